/** Commander argument parsers shared by the commands. */
import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a non-negative integer flag, e.g. --since 40. */
export function nonNegativeInteger(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a non-negative integer`);
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n === 0) throw new InvalidArgumentError('must be at least 1');
  return n;
}

/** Commander argument parser for a repeatable option: each use appends to the list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
