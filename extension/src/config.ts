import * as vscode from 'vscode';
import { BACKEND_SETTINGS, type BackendSetting, type ServerInitializationOptions } from '../../server/src/protocol';

const SECTION = 'rlLab';

/** Defaults mirror package.json `contributes.configuration`; used when a value is missing or malformed. */
const DEFAULT_EXPERIMENT_FILES = ['**/*.rl.yaml', '**/*.rl.yml', '**/hyperparams/*.yml'];

/**
 * The extension's settings, typed. Reads are live (no caching), so a getter always reflects the
 * current configuration. Settings the language server reads at start-up are listed in
 * `RESTART_SETTINGS`: changing one of them restarts the server.
 */
export class Config {
  /** Settings passed to the server in `initializationOptions`, or that shape the document selector. */
  static readonly RESTART_SETTINGS = [`${SECTION}.experimentFiles`, `${SECTION}.backend`, `${SECTION}.maxConcurrentRuns`] as const;

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Glob patterns of experiment files (RL Lab format and RL Baselines3 Zoo files). Needs a restart. */
  get experimentFiles(): string[] {
    const value = this.section.get<unknown>('experimentFiles');
    if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string') && value.length > 0) {
      return value;
    }
    return DEFAULT_EXPERIMENT_FILES;
  }

  /** Preferred TensorFlow.js backend. Needs a restart. */
  get backend(): BackendSetting {
    const value = this.section.get<unknown>('backend');
    return BACKEND_SETTINGS.find((b) => b === value) ?? 'auto';
  }

  /** Episodes the Runs tree's "Evaluate" offers by default. */
  get evaluationEpisodes(): number {
    const value = this.section.get<unknown>('evaluation.episodes');
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 10;
  }

  /** Runs that train at once; more wait as queued. Needs a restart (the server's run manager reads it). */
  get maxConcurrentRuns(): number {
    const value = this.section.get<unknown>('maxConcurrentRuns');
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 2;
  }

  get initializationOptions(): ServerInitializationOptions {
    // Trust decides whether custom environments (user code) may run; read live, like the settings.
    return { experimentFiles: this.experimentFiles, backend: this.backend, trusted: vscode.workspace.isTrusted, maxConcurrentRuns: this.maxConcurrentRuns };
  }

  /** True when the change touches a setting the running server was started with. */
  needsServerRestart(event: vscode.ConfigurationChangeEvent): boolean {
    return Config.RESTART_SETTINGS.some((key) => event.affectsConfiguration(key));
  }
}
