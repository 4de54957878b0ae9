import type { PlaybackEpisode } from '../../../server/src/protocol/types';
import { watchTheme } from '../charts/theme';
import { readPlaybackColors, type PlaybackColors } from './colors';
import { returnAt } from './geometry';
import { Player, SPEEDS, type FrameScheduler } from './player';
import { rendererFor, type Renderer } from './renderers';

type Button = HTMLElement & { disabled: boolean };

/**
 * The "Playback" section of the dashboard: the evaluation episode of the selected run drawn on
 * a canvas, with play/pause, single steps, a frame slider and a speed choice. It publishes
 * what it shows as data attributes (env, frame, frames, playing) for tests and styling.
 */
export class PlaybackView {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly playButton: Button;
  private readonly backButton: Button;
  private readonly forwardButton: Button;
  private readonly slider: HTMLInputElement;
  private readonly speed: HTMLElement & { value: string };
  private readonly frameText: HTMLElement;
  private readonly returnText: HTMLElement;
  private colors: PlaybackColors;
  private shown: { runId: string; episode: PlaybackEpisode; renderer: Renderer; player: Player } | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly scheduler?: FrameScheduler,
  ) {
    root.replaceChildren();
    root.id = 'playback';
    root.className = 'playback';
    root.hidden = true;
    const title = el('h2', '');
    title.textContent = 'Playback';
    this.caption = el('p', 'playback-caption');
    this.caption.id = 'playback-caption';
    const stage = el('div', 'playback-stage');
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'playback-canvas';
    this.canvas.setAttribute('role', 'img');
    stage.append(this.canvas);

    this.backButton = button('playback-back', 'Step back', 'secondary');
    this.playButton = button('playback-play', 'Play', 'primary');
    this.forwardButton = button('playback-forward', 'Step forward', 'secondary');
    this.backButton.addEventListener('click', () => this.shown?.player.step(-1));
    this.forwardButton.addEventListener('click', () => this.shown?.player.step(1));
    this.playButton.addEventListener('click', () => this.shown?.player.toggle());

    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.id = 'playback-slider';
    this.slider.className = 'playback-slider';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'Frame');
    this.slider.addEventListener('input', () => {
      const player = this.shown?.player;
      if (!player) return;
      player.pause();
      player.seek(Number(this.slider.value));
    });

    this.speed = Object.assign(el('vscode-dropdown', 'playback-speed'), { value: '1' });
    this.speed.id = 'playback-speed';
    this.speed.setAttribute('aria-label', 'Speed');
    this.speed.append(
      ...SPEEDS.map((s) => {
        const option = el('vscode-option', '');
        option.setAttribute('value', String(s));
        option.textContent = `${s}x`;
        if (s === 1) option.setAttribute('selected', '');
        return option;
      }),
    );
    this.speed.addEventListener('change', () => this.shown?.player.setSpeed(Number(this.speed.value)));

    this.frameText = el('span', 'playback-frame');
    this.frameText.id = 'playback-frame';
    this.returnText = el('span', 'playback-return');
    this.returnText.id = 'playback-return';
    const controls = el('div', 'bar playback-controls');
    controls.append(this.backButton, this.playButton, this.forwardButton, this.slider, this.speed, this.frameText, this.returnText);
    root.append(title, this.caption, stage, controls);

    this.colors = readPlaybackColors();
    watchTheme(() => {
      this.colors = readPlaybackColors();
      this.draw();
    });
    new ResizeObserver(() => this.draw()).observe(stage);
  }

  /** The run whose episode is on screen, if any. */
  get runId(): string | undefined {
    return this.shown?.runId;
  }

  /** Shows a run's episode from its first frame (a no-op when that episode is already shown). */
  show(runId: string, episode: PlaybackEpisode): void {
    if (this.shown?.runId === runId && this.shown.episode === episode) return;
    this.shown?.player.dispose();
    const player = new Player(episode.frames.length, episode.dt, () => this.update(), this.scheduler);
    const renderer = rendererFor(episode);
    this.shown = { runId, episode, renderer, player };
    player.setSpeed(Number(this.speed.value) || 1);
    this.root.dataset.env = episode.env;
    this.root.dataset.frames = String(episode.frames.length);
    this.slider.max = String(player.last);
    this.canvas.setAttribute('aria-label', `${episode.env}: ${renderer.label}`);
    const steps = episode.rewards.length;
    const end = episode.terminated ? 'terminated' : episode.truncated ? 'time limit' : 'ended';
    this.caption.textContent =
      `Evaluation episode of the final policy (deterministic actions) · ${episode.env} · ` +
      `${steps} steps (${end}) · return ${returnAt(episode.rewards, steps).toFixed(2)}`;
    this.root.hidden = false;
    this.update();
  }

  hide(): void {
    this.shown?.player.dispose();
    this.shown = undefined;
    this.root.hidden = true;
    delete this.root.dataset.env;
  }

  private update(): void {
    const shown = this.shown;
    if (!shown) return;
    const { player, episode } = shown;
    const i = player.index;
    this.root.dataset.frame = String(i);
    this.root.dataset.playing = String(player.playing);
    this.playButton.textContent = player.playing ? 'Pause' : 'Play';
    this.backButton.disabled = i <= 0;
    this.forwardButton.disabled = i >= player.last;
    this.slider.value = String(i);
    this.frameText.textContent = `frame ${i} / ${player.last}`;
    this.returnText.textContent = `return ${returnAt(episode.rewards, i).toFixed(2)}`;
    this.draw();
  }

  private draw(): void {
    const shown = this.shown;
    if (!shown || this.root.hidden) return;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(width * dpr);
    const ph = Math.round(height * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = pw;
      this.canvas.height = ph;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    shown.renderer.draw(ctx, shown.episode.frames[shown.player.index], { width, height }, this.colors);
    this.root.dataset.drawnFrame = String(shown.player.index);
  }
}

function el(tag: string, className: string): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  return element;
}

function button(id: string, text: string, appearance: 'primary' | 'secondary'): Button {
  const b = Object.assign(el('vscode-button', ''), { disabled: false }) as Button;
  b.id = id;
  b.setAttribute('appearance', appearance);
  b.textContent = text;
  return b;
}
