import { isqrt } from './bigint-bytes.js';
import { PublicKeyError } from './public-key-errors.js';

/**
 * The two weak-modulus checks Let's Encrypt's GoodKey runs on every RSA key: a factor
 * among the first few hundred primes (a broken generator or a hand-made key), and primes so
 * close together that Fermat's method finds them in a few rounds (a generator that picked
 * q as the next prime after p — CVE-2022-26320 in Fujifilm/Canon printers).
 */

const SMALL_PRIME_COUNT = 500;
export const FERMAT_ROUNDS = 100;

const SMALL_PRIMES: readonly number[] = firstPrimes(SMALL_PRIME_COUNT);

/**
 * Primes grouped so each group's product stays below 2^53: one bigint remainder per group,
 * then plain number remainders per prime. Far cheaper than a bigint gcd with the product of
 * all 500 primes.
 */
const PRIME_GROUPS: readonly { product: bigint; primes: readonly number[] }[] = groupPrimes(SMALL_PRIMES);

export function checkRsaSmallFactors(n: bigint): void {
  for (const group of PRIME_GROUPS) {
    const r = Number(n % group.product);
    for (const prime of group.primes) {
      if (r % prime === 0) {
        throw new PublicKeyError('KEY_RSA_SMALL_FACTOR', `RSA modulus is divisible by the small prime ${prime}`, {
          factor: prime,
        });
      }
    }
  }
}

/**
 * Fermat's method for `rounds` rounds: n = a^2 - b^2 = (a-b)(a+b) with a from ceil(sqrt n).
 * Residues modulo 64·63·65·11 rule out almost every non-square b^2 with number arithmetic,
 * so the bigint square root runs about once per key rather than every round.
 */
export function checkRsaFermat(n: bigint, rounds: number = FERMAT_ROUNDS): void {
  let a = isqrt(n);
  if (a * a < n) a += 1n;
  let b2 = a * a - n;
  let b2Mod = Number(b2 % FILTER_MODULUS_BIG);
  // b2 grows by 2a+1 each round, and 2a+1 grows by 2.
  let stepMod = Number((2n * a + 1n) % FILTER_MODULUS_BIG);
  for (let i = 0; i < rounds; i++) {
    if (maybeSquare(b2Mod)) {
      const b = isqrt(b2);
      if (b * b === b2) {
        const p = a - b;
        if (p > 1n) {
          throw new PublicKeyError('KEY_RSA_FERMAT', `RSA modulus was factored by Fermat's method in ${i + 1} round(s): its primes are too close together`, {
            rounds: i + 1,
          });
        }
      }
    }
    b2 += 2n * a + 1n;
    a += 1n;
    b2Mod = (b2Mod + stepMod) % FILTER_MODULUS;
    stepMod = (stepMod + 2) % FILTER_MODULUS;
  }
}

const FILTER_MODULI = [64, 63, 65, 11] as const;
const FILTER_MODULUS = FILTER_MODULI.reduce((m, x) => m * x, 1);
const FILTER_MODULUS_BIG = BigInt(FILTER_MODULUS);
const SQUARE_TABLES: readonly Uint8Array[] = FILTER_MODULI.map((m) => {
  const t = new Uint8Array(m);
  for (let i = 0; i < m; i++) t[(i * i) % m] = 1;
  return t;
});

function maybeSquare(residue: number): boolean {
  for (let i = 0; i < FILTER_MODULI.length; i++) {
    if (SQUARE_TABLES[i]![residue % FILTER_MODULI[i]!] === 0) return false;
  }
  return true;
}

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let c = 2; primes.length < count; c++) {
    let prime = true;
    for (const p of primes) {
      if (p * p > c) break;
      if (c % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(c);
  }
  return primes;
}

function groupPrimes(primes: readonly number[]): { product: bigint; primes: number[] }[] {
  const groups: { product: bigint; primes: number[] }[] = [];
  let product = 1;
  let members: number[] = [];
  for (const p of primes) {
    if (product * p > Number.MAX_SAFE_INTEGER) {
      groups.push({ product: BigInt(product), primes: members });
      product = 1;
      members = [];
    }
    product *= p;
    members.push(p);
  }
  if (members.length) groups.push({ product: BigInt(product), primes: members });
  return groups;
}
