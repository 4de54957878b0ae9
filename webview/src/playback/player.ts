/**
 * The playback clock: which frame is shown, whether it plays, and at what speed. Time comes
 * from a scheduler (requestAnimationFrame in the page, a fake in unit tests); while playing,
 * the frame advances by the elapsed time over `dt / speed`, and stops at the last frame.
 */
export interface FrameScheduler {
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

export const animationFrames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (h) => cancelAnimationFrame(h),
};

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export class Player {
  private frame = 0;
  private playingNow = false;
  private speedNow = 1;
  private handle: number | undefined;
  private lastTime: number | undefined;
  /** Time (s, scaled by speed) not yet turned into frames. */
  private carry = 0;

  constructor(
    /** Number of frames (steps + 1). */
    readonly frameCount: number,
    /** Seconds per frame at 1x. */
    readonly dt: number,
    private readonly onChange: () => void,
    private readonly scheduler: FrameScheduler = animationFrames,
  ) {}

  get index(): number {
    return this.frame;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  get speed(): number {
    return this.speedNow;
  }

  get last(): number {
    return this.frameCount - 1;
  }

  play(): void {
    if (this.playingNow || this.frameCount < 2) return;
    if (this.frame >= this.last) this.frame = 0; // play again from the start
    this.playingNow = true;
    this.lastTime = undefined;
    this.carry = 0;
    this.schedule();
    this.onChange();
  }

  pause(): void {
    if (!this.playingNow) return;
    this.playingNow = false;
    if (this.handle !== undefined) this.scheduler.cancel(this.handle);
    this.handle = undefined;
    this.onChange();
  }

  toggle(): void {
    if (this.playingNow) this.pause();
    else this.play();
  }

  /** Moves by `delta` frames and pauses (stepping is a paused activity). */
  step(delta: number): void {
    this.pause();
    this.seek(this.frame + delta);
  }

  seek(index: number): void {
    const next = Math.min(Math.max(Math.round(index), 0), this.last);
    if (next === this.frame) return;
    this.frame = next;
    this.carry = 0;
    this.onChange();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || speed === this.speedNow) return;
    this.speedNow = speed;
    this.onChange();
  }

  dispose(): void {
    if (this.handle !== undefined) this.scheduler.cancel(this.handle);
    this.handle = undefined;
    this.playingNow = false;
  }

  private schedule(): void {
    this.handle = this.scheduler.request((now) => this.tick(now));
  }

  private tick(now: number): void {
    this.handle = undefined;
    if (!this.playingNow) return;
    if (this.lastTime !== undefined) this.carry += ((now - this.lastTime) / 1000) * this.speedNow;
    this.lastTime = now;
    const advance = Math.floor(this.carry / this.dt);
    if (advance > 0) {
      this.carry -= advance * this.dt;
      this.frame = Math.min(this.frame + advance, this.last);
      if (this.frame >= this.last) {
        this.playingNow = false;
        this.onChange();
        return;
      }
      this.onChange();
    }
    this.schedule();
  }
}
