// A task stopped by its ttl told apart from one whose job exited first (the timer exits 0 on SIGTERM too), and
// the sentence that names the ttl and reads the job's exit code.
import type { Task } from '@aws-sdk/client-ecs'
import {
  TTL_STOP_HINT,
  describeTtlStop,
  hintForStoppedTask,
  stoppedByTtl
} from '../../src/explain/task-failures.js'

const at = (seconds: number): Date => new Date(Date.UTC(2026, 5, 1, 12, 0, 0) + seconds * 1000)

/** A stopped task with the app and the timer container, its image pulled by second 4 and stopping at `stopAt`. */
function task(
  app: number | undefined,
  timer: number | undefined,
  stopAt: number,
  extra: Partial<Task> = {}
): Task {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/0123456789abcdef',
    lastStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    pullStartedAt: at(0),
    pullStoppedAt: at(4),
    startedAt: at(5),
    stoppingAt: at(stopAt),
    stoppedAt: at(stopAt + 3),
    containers: [
      { name: 'app', exitCode: app, lastStatus: 'STOPPED' },
      { name: 'ecs-fargate-deploy-ttl', exitCode: timer, lastStatus: 'STOPPED' }
    ],
    ...extra
  }
}

test.each<[string, Task, number | undefined, boolean]>([
  ['the timer exited 0 after the ttl (30 s): the ttl', task(143, 0, 34), 30, true],
  ['the timer started in the second the pull ended: the ttl, within a second', task(143, 0, 33.2), 30, true],
  ['the job exited 3 at 20 s, the timer 0 on its SIGTERM: not the ttl', task(3, 0, 20), 30, false],
  ['the job exited 143 by itself at 20 s: not the ttl', task(143, 0, 20), 30, false],
  ['the timer exited 143 (killed): not the ttl', task(143, 143, 40), 30, false],
  [
    'no timer container: not the ttl',
    task(143, 0, 40, { containers: [{ name: 'app', exitCode: 143 }] }),
    30,
    false
  ],
  ['a run without a ttl: not the ttl', task(143, 0, 40), undefined, false],
  [
    'stopped by StopTask (UserInitiated): not the ttl',
    task(143, 0, 40, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }),
    30,
    false
  ],
  [
    'only the stop reason says an essential container exited: the ttl',
    task(143, 0, 40, { stopCode: undefined }),
    30,
    true
  ],
  [
    'no pull times: measured from startedAt',
    task(143, 0, 40, { pullStartedAt: undefined, pullStoppedAt: undefined }),
    30,
    true
  ],
  [
    'no stop times known: not claimed',
    task(143, 0, 40, { stoppingAt: undefined, stoppedAt: undefined }),
    30,
    false
  ],
  [
    'stoppingAt missing, stoppedAt after the ttl: the ttl',
    task(143, 0, 40, { stoppingAt: undefined }),
    30,
    true
  ]
])('stoppedByTtl: %s', (_name, stopped, ttlSeconds, expected) => {
  expect(stoppedByTtl(stopped, ttlSeconds)).toBe(expected)
})

test.each<[number, number | undefined, number, string]>([
  [
    1800,
    143,
    1,
    "The ttl (30m) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task; the job's exit code 143 is its SIGTERM"
  ],
  [
    5400,
    137,
    1,
    "The ttl (1h30m) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task; the job's exit code 137 is the SIGKILL that follows the SIGTERM when a container does not stop in time"
  ],
  [
    90,
    1,
    2,
    'The ttl (1m30s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the 2 tasks; the job exited with code 1 on the SIGTERM ECS sent it'
  ],
  [
    3,
    undefined,
    1,
    'The ttl (3s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task'
  ]
])('describeTtlStop(%d s, exit code %p, %d task(s))', (ttlSeconds, exitCode, tasks, expected) => {
  expect(describeTtlStop(ttlSeconds, exitCode, tasks)).toBe(expected)
})

test("hintForStoppedTask names the ttl for a task its timer stopped, not the essential container's log", () => {
  const context = { assignPublicIp: true, hasExecutionRole: true, logGroup: '/ecs/job', ttlSeconds: 30 }
  expect(hintForStoppedTask(task(143, 0, 34), context)).toBe(
    `The ttl (30s) ran out: the timer container ecs-fargate-deploy-ttl exited, so ECS stopped the task. ${TTL_STOP_HINT}`
  )
  expect(hintForStoppedTask(task(3, 0, 20), context)).toBe(
    'The essential container exited (exit code app: 3, ecs-fargate-deploy-ttl: 0): look at its log lines in /ecs/job for the cause.'
  )
})
