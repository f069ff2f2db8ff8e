// Reading and writing config files: the exact text of an export, and the download itself.
import type { AppConfig } from '@datastore-designer/schema';

/** The text of an exported config: two-space JSON and a final newline, the same bytes for the same config. */
export const configText = (config: AppConfig): string => `${JSON.stringify(config, null, 2)}\n`;

/** Offers the config to the browser as a file download. */
export const downloadConfig = (config: AppConfig, fileName: string): void => {
  const blob = new Blob([configText(config)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};
