import { buildWidget } from './helpers/browser.js';

/** The browser tests load the built widget: build it once, before any test file runs. */
export default async function setup(): Promise<void> {
  await buildWidget();
}
