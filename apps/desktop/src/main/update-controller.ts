/** What the controller needs from electron-updater's autoUpdater (see electron-updater-adapter.ts). */
export interface Updater {
  /** Looks for a newer release and, when there is one, downloads it in the background. */
  checkForUpdates(): Promise<void>;
  /** Called with the new version once its installer is downloaded and verified. */
  onUpdateDownloaded(listener: (version: string) => void): void;
  /** Quits, runs the downloaded installer silently, and starts the new version. */
  quitAndInstall(): void;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface UpdateControllerOptions {
  updater: Updater;
  timers: Timers;
  /** Asks the user whether to restart now; true means yes. */
  offerRestart(version: string): Promise<boolean>;
  /** A failed check (offline, GitHub unreachable): logged, retried at the next check. */
  onError(error: unknown): void;
}

/**
 * Automatic updates: a check when Parley starts and once a day after, the download in the background,
 * then one offer to restart. Declining is fine: electron-updater installs the downloaded update when the
 * app quits. Turning the setting off stops the checks (a download already finished stays offered).
 */
export class UpdateController {
  readonly #options: UpdateControllerOptions;
  #timer: unknown = null;
  #checking = false;
  #readyVersion: string | null = null;

  constructor(options: UpdateControllerOptions) {
    this.#options = options;
    options.updater.onUpdateDownloaded((version) => this.#downloaded(version));
  }

  /** The version waiting to be installed, if any. */
  get readyVersion(): string | null {
    return this.#readyVersion;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  setEnabled(enabled: boolean): void {
    if (enabled && !this.running) {
      this.#timer = this.#options.timers.setInterval(
        () => void this.check(),
        UPDATE_CHECK_INTERVAL_MS,
      );
      void this.check();
    } else if (!enabled && this.running) {
      this.#options.timers.clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** One check; never throws, and never overlaps a check still running. */
  async check(): Promise<void> {
    if (this.#checking || this.#readyVersion) return;
    this.#checking = true;
    try {
      await this.#options.updater.checkForUpdates();
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#checking = false;
    }
  }

  #downloaded(version: string): void {
    if (this.#readyVersion === version) return;
    this.#readyVersion = version;
    this.#options.offerRestart(version).then(
      (restart) => {
        if (restart) this.#options.updater.quitAndInstall();
      },
      (error: unknown) => this.#options.onError(error),
    );
  }
}
