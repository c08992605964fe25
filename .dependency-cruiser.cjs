/**
 * The layer rules of ARCHITECTURE.md, checked in CI (`npm run check:layers`, part of `npm test`).
 * Layers from the top: a module may import its own layer and the layers below it, never one above.
 * Simulators stand apart: they speak the providers' wire formats on their own and import nothing
 * of the gateway (a simulator that imports the code under test accepts the same mistakes).
 */
const LAYERS = [
  ['cli', '^src/cli/'],
  ['server', '^src/server/'],
  ['app', '^src/[^/]+\\.ts$'],
  ['dialects', '^src/dialects/'],
  ['gateway', '^src/gateway/'],
  ['metering', '^src/metering/'],
  ['accounts', '^src/accounts/'],
  ['usage', '^src/usage/'],
  ['providers', '^src/providers/'],
  ['streaming', '^src/streaming/'],
  ['store', '^src/store/'],
  ['config', '^src/config/'],
  ['catalog', '^src/catalog/'],
  ['observability', '^src/observability/'],
  ['core', '^src/core/'],
];

const layerRules = LAYERS.slice(1).map(([name, path], index) => ({
  name: `no-upward-import-from-${name}`,
  comment: `${name} may import only the layers below it`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(0, index + 1).map(([, above]) => above) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'simulators-stand-apart',
      comment: 'simulators import nothing of the gateway, and the gateway nothing of them (the CLI starts them)',
      severity: 'error',
      from: { path: '^src/simulators/' },
      to: { path: '^src/', pathNot: '^src/simulators/' },
    },
    {
      name: 'only-the-cli-starts-simulators',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/simulators/', '^src/cli/'] },
      to: { path: '^src/simulators/' },
    },
    {
      name: 'no-cycle-across-folders',
      comment: 'an import cycle stays inside one folder',
      severity: 'error',
      from: { path: '^(src/.+)/[^/]+$' },
      to: { circular: true, viaSomeNot: '^$1/[^/]+$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
