import { hallmarkPersonality } from '../hallmark/hallmark-personality.js';
import { nrf91Personality } from '../nrf91/nrf91-personality.js';
import type { PersonalityDescriptor } from './device-personality.js';

/**
 * Every protocol the simulator can speak, keyed by the name `hallmark sim --protocol`
 * takes. A new device family adds one line here.
 */
export const personalities: Readonly<Record<string, PersonalityDescriptor>> = {
  hallmark: hallmarkPersonality,
  nrf91: nrf91Personality,
};

export function personalityNames(): string[] {
  return Object.keys(personalities);
}
