// Page helpers for the designer's browser tests: start a project, move between views, read what was saved.
import type { Locator, Page } from 'playwright-core';

/** A project in the start screen's list, as kept in localStorage. */
export interface SavedProject {
  id: string;
  name: string;
  app: string;
}

/** Starts a project from a template on the start screen and waits for its canvas. */
export const startFromTemplate = async (page: Page, template: string): Promise<void> => {
  await page.click(`[data-template="${template}"]`);
  await page.locator('.react-flow__node').first().waitFor();
};

/** Opens one of the project's views (Design, JSON, Preview, Deploy) from the top bar. */
export const view = (page: Page, name: 'Design' | 'JSON' | 'Preview' | 'Deploy'): Promise<void> =>
  // "Design" carries the number of problems when there are some.
  page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: new RegExp(`^${name}\\s*\\d*$`) })
    .click();

/** The header of a table's card on the canvas (clicking it selects the table). */
export const tableHeader = (page: Page, table: string): Locator =>
  page.locator(`.react-flow__node[data-id="${table}"] .table-node-header`);

/** The open project's draft as autosaved in localStorage. */
export const savedDraft = (page: Page): Promise<unknown> =>
  page.evaluate(() => {
    const id = /#\/project\/(.+)$/.exec(location.hash)?.[1];
    return JSON.parse(localStorage.getItem(`datastore-designer.draft.${id}`) ?? 'null') as unknown;
  });

/** The projects kept in this browser. */
export const savedProjects = (page: Page): Promise<SavedProject[]> =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem('datastore-designer.projects') ?? '[]') as SavedProject[],
  );

/** The ids of the tables on the canvas, sorted. */
export const tableNames = async (page: Page): Promise<string[]> =>
  (
    await page
      .locator('.react-flow__node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id') ?? ''))
  ).sort();

/** Imports `config` as a new project from the start screen's file input and waits for its canvas. */
export const importProject = async (page: Page, app: string, config: unknown): Promise<void> => {
  await page.getByTestId('import-input').setInputFiles({
    name: `${app}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(config)),
  });
  await page.locator('.react-flow__node').first().waitFor();
};

/** Imports `config` as a new project (see importProject), opens Preview and waits for its preview app. */
export const importIntoPreview = async (page: Page, app: string, config: unknown): Promise<void> => {
  await importProject(page, app, config);
  await view(page, 'Preview');
  await page
    .locator(`[data-preview-app="${app}-preview"] [data-deploy="deployed"]`)
    .waitFor({ timeout: 20_000 });
};
