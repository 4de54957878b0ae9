import { TERMINAL_STATUSES, type PlaybackEpisode, type RunSummary } from '../../../server/src/protocol/types';
import type { PlaybackView } from './view';

/**
 * Which episode the playback section shows: the selected run's, once it has finished. Asks
 * the host once per finished run (`requestPlayback`) and keeps the answers, so switching
 * runs back and forth does not ask again; runs without a playback keep the section hidden.
 */
export class PlaybackPanel {
  private readonly episodes = new Map<string, PlaybackEpisode | null>();
  private readonly asked = new Set<string>();
  private selected: RunSummary | undefined;

  constructor(
    private readonly view: PlaybackView,
    private readonly request: (runId: string) => void,
  ) {}

  /** Call whenever the selected run or its status may have changed. */
  update(run: RunSummary | undefined): void {
    this.selected = run;
    if (!run || !TERMINAL_STATUSES.includes(run.status)) {
      this.view.hide();
      return;
    }
    const episode = this.episodes.get(run.id);
    if (episode) {
      this.view.show(run.id, episode);
      return;
    }
    this.view.hide();
    if (episode === undefined && !this.asked.has(run.id)) {
      this.asked.add(run.id);
      this.request(run.id);
    }
  }

  /** The host's answer to a request. */
  receive(runId: string, episode: PlaybackEpisode | null): void {
    this.episodes.set(runId, episode);
    if (this.selected?.id === runId) this.update(this.selected);
  }
}
