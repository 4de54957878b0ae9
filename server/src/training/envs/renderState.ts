/**
 * Playback "render state" (issue 3 addendum, `PlaybackEpisode.frames[i]`): what the dashboard
 * needs to draw one frame. Environments whose picture depends on the action just applied
 * (MountainCar draws the push) get it here; `actions` is null for the frame after a reset.
 */
export interface RenderStateSource {
  renderState(state: Float64Array, o: number, actions: Float32Array | null, a: number): number[];
}
