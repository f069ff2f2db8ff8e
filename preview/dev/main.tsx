// A development page that mounts PreviewPane alone, for checks without the designer (served by the runtime).
import { templates, type AppConfig } from '@datastore-designer/schema';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PreviewPane } from '../src/index.ts';

const params = new URLSearchParams(location.search);
const runtime = {
  url: params.get('runtime') ?? location.origin,
  adminToken: params.get('admin') ?? 'local-admin-token',
};
const app = params.get('app') ?? 'dev-app';
const fromTemplate = templates.find((template) => template.id === params.get('template'))?.config;

/** Lets a test set the config (window.setPreviewConfig) the way the designer passes its draft. */
const DevPage = () => {
  const [config, setConfig] = useState<AppConfig>(fromTemplate ?? templates[0]!.config);
  (window as unknown as { setPreviewConfig: (config: AppConfig) => void }).setPreviewConfig = setConfig;
  return <PreviewPane config={config} app={app} runtime={runtime} />;
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DevPage />
  </StrictMode>,
);
