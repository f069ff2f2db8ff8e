// "Connect an app": the typed-store TypeScript for the draft and a connect() call, for the programmer who comes next.
import { typescriptFor, type AppConfig } from '@datastore-designer/schema';
import { useMemo } from 'react';

/** A collapsed section with the generated store types and a ready-to-paste connect() call. */
export const ProgrammerHelp = ({
  config,
  app,
  datastore,
}: {
  config: AppConfig;
  app: string;
  datastore: string;
}) => {
  const types = useMemo(() => {
    try {
      return typescriptFor(config);
    } catch (error) {
      return `// The types cannot be generated yet: ${String(error)}`;
    }
  }, [config]);
  const kind = config.datastores[datastore]?.instances;
  const instance =
    kind === 'perUser'
      ? "'me'"
      : kind === 'perTenant'
        ? "'tenant'"
        : kind === 'multi'
          ? 'instanceId'
          : "'main'";
  const snippet = [
    "import { connect } from '@datastore-designer/preview/client';",
    '',
    'const connection = await connect({',
    "  url: 'https://your-runtime.example.com',",
    `  app: '${app}',`,
    `  datastore: '${datastore}',`,
    `  instance: ${instance},`,
    '  token: () => getSignInToken(), // called again before every reconnect',
    '});',
    'connection.addRejectionListener((r) => console.warn(r.table, r.row, r.rule, r.reason));',
    'connection.store; // the synced TinyBase store',
  ].join('\n');
  return (
    <details className="dd-programmer">
      <summary>Connect an app (for programmers)</summary>
      <pre>{snippet}</pre>
      <pre>{types}</pre>
    </details>
  );
};
