// What bin/hallmark.mjs did before the CLI was compiled (and still does when out/cli is
// missing or older than the sources): transpile main/cli.ts through tsx at every start.
// bench/cli.bench.ts times it against the built CLI.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
