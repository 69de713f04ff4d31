import './lib/strict-csp';
import { Show, createResource, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { App } from './App';
import { createClient } from './client-factory';
import { ServerSetup } from './components/ServerSetup';
import { createDesktopPlatform, createWebPlatform, type Platform } from './lib/platform';
import './styles.css';

/**
 * Picks the shell: in Electron the preload exposes `window.parleyDesktop` (server address asked on
 * first run, storage in the main process); in a browser the server that served this page is the
 * server, and storage is localStorage.
 */
function Root() {
  const bridge = window.parleyDesktop;
  const platform: Platform = bridge ? createDesktopPlatform(bridge) : createWebPlatform();
  const [serverUrl, { mutate }] = createResource(async () =>
    bridge ? ((await bridge.getSettings()).serverUrl ?? null) : window.location.origin,
  );
  const [client] = createResource(serverUrl, (url) =>
    Promise.resolve(createClient(url, platform.storage)),
  );
  const [changing, setChanging] = createSignal(false);
  const saveServer = async (url: string): Promise<void> => {
    await platform.setServerUrl(url);
    // The CSP that admits the new server applies from the next page load.
    window.location.reload();
    mutate(url);
  };

  return (
    <Show
      when={serverUrl.state === 'ready'}
      fallback={
        <div class="flex h-full items-center justify-center text-slate-600 dark:text-slate-400">
          Opening Parley…
        </div>
      }
    >
      <Show
        when={!changing() && serverUrl()}
        fallback={<ServerSetup initial={serverUrl() ?? null} onSave={saveServer} />}
      >
        <Show
          when={client.state !== 'errored'}
          fallback={
            <p role="alert" class="p-8 text-red-600">
              Parley could not start: {String(client.error as unknown)}
            </p>
          }
        >
          <Show when={client()}>
            {(ready) => (
              <App
                client={ready()}
                platform={platform}
                server={
                  bridge ? { url: serverUrl() ?? '', change: () => setChanging(true) } : undefined
                }
              />
            )}
          </Show>
        </Show>
      </Show>
    </Show>
  );
}

const root = document.getElementById('root');
if (root) render(() => <Root />, root);
