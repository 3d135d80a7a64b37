import { type Host, followContentHeight } from '../host/host.js';
import { loadZohoSdk } from '../host/load-sdk.js';
import { zohoHost } from '../host/zoho-host.js';

const WIDGET_KEY_VARIABLE = 'salesassist__Widget_Key';
const BACKEND_URL_VARIABLE = 'salesassist__Backend_Url';

export interface Started {
  host: Host;
  /** The org's widget key, once an administrator has connected the org. */
  widgetKey: string | null;
  /** Our backend: the org variable set at connection, else null. */
  backendUrl: string | null;
}

/**
 * What both widget pages do first: load Zoho's SDK, wait until the host has registered the page and
 * said where it is (nothing is asked of it before), follow the content height, and read the org
 * variables that say where our backend is and with which key.
 */
export async function startWidget(options: { tab: boolean }): Promise<Started> {
  await loadZohoSdk();
  const host = zohoHost(options);
  await host.context();
  followContentHeight(host, document.body);
  const [widgetKey, backendUrl] = await Promise.all([host.orgVariable(WIDGET_KEY_VARIABLE), host.orgVariable(BACKEND_URL_VARIABLE)]);
  return { host, widgetKey, backendUrl };
}

/** Shows a failure to start in the page itself. */
export function showStartFailure(root: HTMLElement): (error: unknown) => void {
  return (error) => {
    root.textContent = error instanceof Error ? error.message : String(error);
  };
}
