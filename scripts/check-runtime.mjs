// npm scripts run on the Node 22 that `npm ci` installed (node_modules/.bin/node comes
// first on their PATH). Fail early and plainly if that did not happen.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`error: RUNTIME: Hallmark's scripts need Node 22 or later, got ${process.version}; run \`npm ci\` first`);
  process.exit(2);
}
