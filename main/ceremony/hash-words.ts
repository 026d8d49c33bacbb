/**
 * A digest as words, for reading aloud: byte i of the digest picks word number byte
 * from this fixed list of 256 (index 0 = "acid" … 255 = "zebra"). Custodians read the
 * script's or a certificate's SHA-256 to each other; a word is easier to compare across a
 * room than two hex digits, and a misheard word is caught because every byte is spoken.
 * The list is part of the transcript format: never reorder or edit it (docs/ceremonies.md).
 */
export const HASH_WORDS: readonly string[] = [
  'acid', 'acorn', 'actor', 'adult', 'agent', 'alarm', 'album', 'alley',
  'amber', 'angle', 'ankle', 'apple', 'april', 'apron', 'arena', 'armor',
  'arrow', 'aspen', 'atlas', 'attic', 'audio', 'autumn', 'avenue', 'bacon',
  'badge', 'bagel', 'baker', 'balloon', 'bamboo', 'banana', 'banjo', 'barrel',
  'basil', 'basket', 'beach', 'beaver', 'bench', 'berry', 'bicycle', 'bishop',
  'blanket', 'blossom', 'border', 'bottle', 'bounce', 'bracket', 'branch', 'bread',
  'breeze', 'brick', 'bridge', 'broom', 'bucket', 'buffalo', 'bullet', 'bundle',
  'butter', 'button', 'cabin', 'cactus', 'camel', 'candle', 'canoe', 'canyon',
  'captain', 'carbon', 'carpet', 'castle', 'cattle', 'cedar', 'cello', 'cement',
  'cherry', 'chess', 'chimney', 'cinema', 'circus', 'citrus', 'clever', 'cliff',
  'clock', 'cloud', 'clover', 'cobalt', 'coconut', 'comet', 'copper', 'coral',
  'cotton', 'cowboy', 'crater', 'crayon', 'cricket', 'crystal', 'cupboard', 'curtain',
  'cushion', 'dagger', 'daisy', 'dancer', 'delta', 'denim', 'desert', 'diamond',
  'dinner', 'doctor', 'dolphin', 'donkey', 'dragon', 'drawer', 'dream', 'drum',
  'eagle', 'echo', 'eclipse', 'elbow', 'elephant', 'ember', 'empire', 'engine',
  'envelope', 'eraser', 'falcon', 'fabric', 'feather', 'fence', 'ferry', 'fiddle',
  'finger', 'flame', 'flute', 'forest', 'fossil', 'fountain', 'fox', 'garage',
  'garden', 'garlic', 'gentle', 'giant', 'ginger', 'glacier', 'glove', 'goblet',
  'gorilla', 'granite', 'grape', 'gravel', 'guitar', 'hammer', 'harbor', 'harvest',
  'hazel', 'helmet', 'hermit', 'honey', 'horizon', 'hotel', 'hunter', 'iceberg',
  'igloo', 'indigo', 'island', 'ivory', 'jacket', 'jaguar', 'jasmine', 'jelly',
  'jersey', 'jigsaw', 'jockey', 'juggler', 'jungle', 'kayak', 'kettle', 'kidney',
  'kingdom', 'kitten', 'koala', 'ladder', 'lagoon', 'lantern', 'laser', 'lemon',
  'leopard', 'lettuce', 'lilac', 'limbo', 'lobster', 'locket', 'lumber', 'magnet',
  'mango', 'maple', 'marble', 'meadow', 'melon', 'mercury', 'meteor', 'mirror',
  'mitten', 'monkey', 'mosaic', 'muffin', 'museum', 'napkin', 'nectar', 'needle',
  'nickel', 'noodle', 'nutmeg', 'oasis', 'ocean', 'olive', 'onion', 'orange',
  'orbit', 'orchid', 'otter', 'oxygen', 'paddle', 'palace', 'panda', 'panther',
  'parrot', 'pebble', 'pelican', 'pencil', 'pepper', 'piano', 'pigeon', 'pillow',
  'pirate', 'planet', 'plum', 'pocket', 'polka', 'potato', 'puzzle', 'quartz',
  'quiver', 'rabbit', 'radar', 'radish', 'raven', 'ribbon', 'rocket', 'saddle',
  'salmon', 'sandal', 'tiger', 'tulip', 'velvet', 'walnut', 'yogurt', 'zebra',
];

/** 32 words for a SHA-256 (one per byte), in order. */
export function hashWords(hex: string): string[] {
  const bytes = Buffer.from(hex, 'hex');
  return [...bytes].map((b) => HASH_WORDS[b] ?? '?');
}

/** The words grouped four to a line with their position, as they are read aloud. */
export function formatHashWords(hex: string): string {
  const words = hashWords(hex);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 4) lines.push(`${String(i + 1).padStart(2, ' ')}: ${words.slice(i, i + 4).join(' ')}`);
  return lines.join('\n');
}
