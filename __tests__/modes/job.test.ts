// A scheduled job's pure parts: what the last run was billed (the cost's basis) and the job summary.
import { billedSeconds, type JobDeployResult } from '../../src/modes/job.js'
import { jobSummary } from '../../src/plans/job-deploy.js'

const at = (iso: string) => new Date(iso)

describe('billedSeconds', () => {
  test.each([
    ['no run', [], undefined],
    ['a run still running', [{ startedAt: at('2030-01-01T03:00:00Z') }], undefined],
    [
      'from the image pull to the stop',
      [
        {
          pullStartedAt: at('2030-01-01T03:00:00Z'),
          startedAt: at('2030-01-01T03:00:10Z'),
          stoppedAt: at('2030-01-01T03:02:00Z')
        }
      ],
      120
    ],
    [
      'the newest run that stopped (the list is newest first), from its start without a pull time',
      [
        { startedAt: at('2030-01-02T03:00:00Z') },
        { startedAt: at('2030-01-01T03:00:00Z'), stoppedAt: at('2030-01-01T03:00:45Z') }
      ],
      45
    ]
  ])('%s', (_name, tasks, seconds) => {
    expect(billedSeconds(tasks)).toBe(seconds)
  })
})

describe('jobSummary', () => {
  const result: JobDeployResult = {
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl@sha256:abc',
    digest: 'sha256:abc',
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/jobs',
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/etl:7',
    reused: false,
    schedule: {
      scheduleName: 'efd-job-etl-2e6f47e6',
      group: 'default',
      scheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/efd-job-etl-2e6f47e6',
      created: false,
      previousTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/etl:6'
    },
    expression: 'cron(0 3 * * ? *)',
    timezone: 'Europe/Berlin',
    nextRuns: [at('2030-01-01T02:00:00Z'), at('2030-01-02T02:00:00Z'), at('2030-01-03T02:00:00Z')],
    recentRuns: [
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/jobs/abc',
        outcome: 'failed',
        startedAt: at('2029-12-31T02:00:03Z'),
        exitCode: 3,
        stoppedReason: 'Essential container in task exited <b>',
        logStream: { logGroup: '/ecs/etl', logStream: 'ecs/etl/abc' },
        logUrl: 'https://example.com/logs?a=1&b=2'
      }
    ],
    phases: []
  }

  test('the schedule, the revision it moved to, the next runs, no topic, and the recent runs escaped', () => {
    const html = jobSummary(result)
    expect(html).toContain('<h2>Scheduled job efd-job-etl-2e6f47e6</h2>')
    expect(html).toContain(
      '<tr><td>Schedule</td><td><code>cron(0 3 * * ? *)</code> (Europe/Berlin)</td></tr>'
    )
    expect(html).toContain('<tr><td>Runs</td><td>etl:7 (new revision), moved from etl:6</td></tr>')
    expect(html).toContain(
      '<tr><td>Next runs</td><td>2030-01-01T02:00:00.000Z<br>2030-01-02T02:00:00.000Z<br>2030-01-03T02:00:00.000Z</td></tr>'
    )
    expect(html).toContain('<tr><td>Failures go to</td><td>nobody (notify is not set)</td></tr>')
    expect(html).toContain('<tr><td>Estimated cost</td><td>no prices for this region</td></tr>')
    expect(html).toContain(
      '<tr><td>2029-12-31T02:00:03.000Z</td><td>failed (exit code 3)</td><td>Essential container in task exited &lt;b&gt;</td><td><a href="https://example.com/logs?a=1&amp;b=2">log stream</a></td></tr>'
    )
  })
})
