import type { Clock } from '../src/shared/clock.js'

/** A clock whose sleeps return at once and move time forward, so waits run instantly in tests. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  constructor(private time = 1_000_000) {}

  now(): number {
    return this.time
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += ms
  }

  advance(ms: number): void {
    this.time += ms
  }
}
