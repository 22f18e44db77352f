// The job summary builders: data in, HTML out.
import type { DeployResult, ServiceDeployResult, TaskReport } from '../../src/modes/types.js'
import { ActionError } from '../../src/explain/action-error.js'
import { parseInputs } from '../../src/inputs/inputs.js'
import { failureCost } from '../../src/modes/cost.js'
import {
  costLine,
  costSummary,
  deployHeadline,
  deploySummary,
  describeRevision,
  describeScaling,
  escapeHtml,
  failurePhrase,
  failureSummary,
  formatDuration,
  formatStopTime,
  htmlTable,
  lifetimeSummary,
  phaseTimeline,
  serviceStopSummary,
  serviceSummary,
  stopSummary,
  taskConsoleUrl,
  taskRow,
  withoutEmptyColumns
} from '../../src/runner/summaries.js'

const REGION = 'eu-west-1'
const at = (seconds: number): Date => new Date(Date.UTC(2026, 5, 1, 12, 0, 0) + seconds * 1000)
const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/apps'
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/apps/0123456789abcdef0123456789abcdef'
const TASK_CONSOLE = `https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1`
const LOG_URL =
  'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/x'

test.each([
  [0, '0.0 s'],
  [850, '0.9 s'],
  [59_949, '59.9 s'],
  [59_950, '1 min 0.0 s'],
  [60_000, '1 min 0.0 s'],
  [83_400, '1 min 23.4 s'],
  [3_725_000, '62 min 5.0 s']
])('formatDuration(%d) is %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text)
})

test.each([
  ['arn:aws:ecs:eu-west-1:1:task-definition/web:7', false, 'web:7 (new revision)'],
  ['arn:aws:ecs:eu-west-1:1:task-definition/web:7', true, 'web:7 (reused: unchanged)']
])('describeRevision(%s, reused %s) is %s', (arn, reused, text) => {
  expect(describeRevision(arn, reused)).toBe(text)
})

test.each([
  [CLUSTER_ARN, TASK_ARN],
  ['apps', '0123456789abcdef0123456789abcdef'],
  ['apps', TASK_ARN]
])('taskConsoleUrl takes the cluster %s and the task %s as ARNs or names', (cluster, task) => {
  expect(taskConsoleUrl(REGION, cluster, task)).toBe(TASK_CONSOLE)
})

test('escapeHtml keeps error text from turning into markup', () => {
  expect(escapeHtml(`<b>"a" & 'b'</b>`)).toBe(`&lt;b&gt;&quot;a&quot; &amp; 'b'&lt;/b&gt;`)
})

test('htmlTable escapes the header, not the cells (they are HTML already)', () => {
  expect(htmlTable(['A<B', 'C'], [['<code>x</code>', '1']])).toBe(
    '<table>\n<tr><th>A&lt;B</th><th>C</th></tr>\n<tr><td><code>x</code></td><td>1</td></tr>\n</table>'
  )
})

const runningTask: TaskReport = {
  taskArn: TASK_ARN,
  lastStatus: 'RUNNING',
  publicIp: '203.0.113.9',
  privateIp: '10.0.0.9',
  url: 'http://203.0.113.9:8080',
  logStream: { logGroup: '/ecs/web', logStream: 'ecs/web/0123' },
  logUrl: LOG_URL
}

test.each<[string, TaskReport, string[]]>([
  [
    'a running web task',
    runningTask,
    [
      '<code>0123456789abcdef0123456789abcdef</code>',
      'RUNNING',
      '<code>203.0.113.9</code>',
      '<a href="http://203.0.113.9:8080">http://203.0.113.9:8080</a>',
      '',
      `<a href="${TASK_CONSOLE}">task</a> · <a href="${LOG_URL}">logs</a>`
    ]
  ],
  [
    'a job that exited, without a public IP',
    {
      taskArn: TASK_ARN,
      lastStatus: 'STOPPED',
      exitCode: 0,
      logStream: runningTask.logStream,
      logUrl: LOG_URL
    },
    [
      '<code>0123456789abcdef0123456789abcdef</code>',
      'STOPPED',
      '',
      '',
      '0',
      `<a href="${TASK_CONSOLE}">task</a> · <a href="${LOG_URL}">logs</a>`
    ]
  ]
])('taskRow: %s', (_name, task, cells) => {
  expect(taskRow(REGION, CLUSTER_ARN, task)).toEqual(cells)
})

const result: DeployResult = {
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc',
  tag: 'v1.2.3',
  digest: 'sha256:abc',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
  clusterArn: CLUSTER_ARN,
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
  revision: 7,
  reused: true,
  tasks: [runningTask],
  created: ['log group /ecs/web', 'security group sg-1'],
  phases: [
    { name: 'Look up and create AWS resources', ms: 1200 },
    { name: 'Push the image', ms: 15_200 },
    { name: 'Register the task definition', ms: 300 },
    { name: 'Run the task', ms: 400 },
    { name: 'Wait for running', ms: 45_000 }
  ]
}

test('deploySummary: overview, task rows, phase times with the total, and what was created', () => {
  const html = deploySummary(REGION, result)
  expect(html).toContain(
    '<tr><td>Image</td><td><code>123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1.2.3</code><br><code>sha256:abc</code></td></tr>'
  )
  expect(html).toContain('<tr><td>Task definition</td><td>web:7 (reused: unchanged)</td></tr>')
  expect(html).toContain(
    '<tr><td>Cluster</td><td><a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/tasks?region=eu-west-1">apps</a></td></tr>'
  )
  // No task has an exit code: the column is left out.
  expect(html).toContain(
    '<tr><th>Task</th><th>State</th><th>Public IP</th><th>URL</th><th>AWS console</th></tr>'
  )
  expect(html).toContain(
    `<tr>${taskRow(REGION, CLUSTER_ARN, runningTask)
      .filter((_, index) => index !== 4)
      .map((cell) => `<td>${cell}</td>`)
      .join('')}</tr>`
  )
  expect(html).toContain('<tr><td>Push the image</td><td>15.2 s</td></tr>')
  expect(html).toContain('<tr><td>Wait for running</td><td>45.0 s</td></tr>')
  expect(html).toContain('<tr><td><strong>Total</strong></td><td><strong>1 min 2.1 s</strong></td></tr>')
  expect(html).toContain('<p>Created: log group /ecs/web, security group sg-1</p>')
  expect(deploySummary(REGION, { ...result, created: [] })).toContain(
    '<p>Created: nothing (everything existed)</p>'
  )
})

test.each([
  [
    'one stopped, one already stopped, one gone',
    { stopped: ['arn:t/apps/a', 'arn:t/apps/b'], alreadyStopped: ['arn:t/apps/b'], missing: ['c'] },
    [
      '<h2>✅ Stopped: 1 task stopped by this run in cluster apps</h2>',
      ': 1 stopped, 1 already stopped, 1 gone</p>',
      '<tr><td><code>arn:t/apps/a</code></td><td>stopped</td><td><a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/tasks/a/configuration?region=eu-west-1">task</a></td></tr>',
      '<tr><td><code>arn:t/apps/b</code></td><td>was already stopped</td>',
      '<tr><td><code>c</code></td><td>not found (already gone)</td><td></td></tr>'
    ]
  ],
  [
    'nothing to stop',
    { stopped: [], alreadyStopped: [], missing: [] },
    [
      '<h2>✅ Stopped: nothing to stop</h2>',
      ': 0 stopped, 0 already stopped, 0 gone</p>',
      '<p>No task to stop.</p>'
    ]
  ]
])('stopSummary: %s', (_name, stopResult, expected) => {
  const html = stopSummary(REGION, 'apps', stopResult)
  for (const fragment of expected) expect(html).toContain(fragment)
})

test("stopSummary: a closed preview's summary says what it removed besides its tasks, and only then", () => {
  const result = { stopped: ['arn:t/apps/a'], alreadyStopped: [], missing: [] }
  const removed = 'security group sg-1 and task definition family web-pr-12 removed'
  expect(stopSummary(REGION, 'apps', result, removed)).toContain(
    '<p>Also security group sg-1 and task definition family web-pr-12 removed.</p>'
  )
  expect(stopSummary(REGION, 'apps', result, '')).not.toContain('Also')
  expect(stopSummary(REGION, 'apps', result)).toBe(stopSummary(REGION, 'apps', result, ''))
})

describe('failureSummary', () => {
  const error = new ActionError('Task x stopped before it was RUNNING', {
    details: 'CannotPullContainerError: <pull access denied>',
    hint: 'Check the execution role & the image.'
  })

  test('the error, its details and hint, escaped', () => {
    const html = failureSummary(error, { mode: 'deploy', region: REGION })
    expect(html.split('\n')[0]).toBe('<h2>❌ Deploy failed: Task x stopped before it was RUNNING</h2>')
    // The headline says the whole message: no <pre> repeats it.
    expect(html).not.toContain('<pre>Task x stopped')
    expect(html).toContain(
      '<h3>Details</h3>\n<pre>CannotPullContainerError: &lt;pull access denied&gt;</pre>'
    )
    expect(html).toContain('<p><strong>What to do:</strong> Check the execution role &amp; the image.</p>')
    expect(html).not.toContain('Tasks started')
  })

  test('tasks started before the failure are listed with console and log links', () => {
    const html = failureSummary(new ActionError('timed out'), {
      mode: 'deploy',
      region: REGION,
      started: {
        clusterArn: CLUSTER_ARN,
        tasks: [
          {
            taskArn: TASK_ARN,
            lastStatus: 'RUNNING',
            logStream: { logGroup: '/ecs/app', logStream: 'ecs/app/0123456789abcdef0123456789abcdef' },
            logUrl: LOG_URL
          }
        ]
      }
    })
    expect(html).not.toContain('Details')
    expect(html).toContain(
      `<tr><td><code>${TASK_ARN}</code></td><td><a href="${TASK_CONSOLE}">task</a> · <a href="${LOG_URL}">logs</a></td></tr>`
    )
  })

  test('tasks the run stopped when it was cancelled: said, instead of how to stop them', () => {
    const started = {
      clusterArn: CLUSTER_ARN,
      tasks: [
        {
          taskArn: TASK_ARN,
          logStream: { logGroup: '/ecs/app', logStream: 'ecs/app/0123456789abcdef0123456789abcdef' },
          logUrl: LOG_URL
        }
      ]
    }
    const cancelled = failureSummary(new ActionError('cancelled'), {
      mode: 'deploy',
      region: REGION,
      started,
      stopped: [TASK_ARN]
    })
    expect(cancelled).toContain(
      '<p>Stopped: the run was cancelled before they reached <code>wait-for</code> (<code>stop-on-cancel</code>).</p>'
    )
    expect(cancelled).not.toContain('mode: stop')
    const left = failureSummary(new ActionError('timed out'), { mode: 'deploy', region: REGION, started })
    expect(left).toContain('Stop them with <code>mode: stop</code>')
  })

  test.each<[string, Record<string, string>, Array<Partial<TaskReport>>, string[], string[]]>([
    [
      'a job that exited 3: what its two tasks ran cost, nothing left running',
      { 'wait-for': 'stopped', count: '2' },
      [
        // 150 s, and 30 s billed as the minute's minimum.
        { lastStatus: 'STOPPED', pullStartedAt: at(0), startedAt: at(5), stoppedAt: at(150) },
        { lastStatus: 'STOPPED', pullStartedAt: at(0), startedAt: at(5), stoppedAt: at(30) }
      ],
      [
        '<p>They have stopped: nothing is left running.</p>',
        '<p>What the job cost (billed per second, at least a minute per task):</p>',
        `<tr><td>2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86, 210 s billed in all</td><td>$${((0.0123425 * 210) / 3600).toFixed(4)}</td></tr>`,
        `<tr><td>public IPv4 address, 210 s</td><td>$${((0.005 * 210) / 3600).toFixed(4)}</td></tr>`,
        `<strong>$${((0.0173425 * 210) / 3600).toFixed(4)}</strong>`,
        '<p>Left running: nothing ($0 per hour).</p>'
      ],
      ['Stop them with']
    ],
    [
      'a health check that failed: both tasks left running, per hour',
      { 'wait-for': 'healthy', count: '2', port: '8080' },
      [{ lastStatus: 'RUNNING' }, { lastStatus: 'RUNNING' }],
      [
        'Stop them with <code>mode: stop</code>',
        '<p>What keeps running:</p>',
        '<tr><th>What</th><th>Per hour</th><th>Per month (730 h)</th></tr>',
        '<tr><td>2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0247</td><td>$18.02</td></tr>',
        '<tr><td>2 public IPv4 addresses</td><td>$0.0100</td><td>$7.30</td></tr>'
      ],
      ['What the job cost']
    ],
    [
      'one task stopped before RUNNING, the other running',
      { 'wait-for': 'running', count: '2' },
      [
        { lastStatus: 'STOPPED', pullStartedAt: at(0), stoppedAt: at(90) },
        { lastStatus: 'RUNNING', pullStartedAt: at(0), startedAt: at(8) }
      ],
      [
        '<p>What the task that stopped cost (billed per second, at least a minute per task):</p>',
        '<tr><td>1 task × (0.25 vCPU, 0.5 GB), Linux/x86, 90 s billed</td>',
        '<tr><td>1 task × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0123</td><td>$9.01</td></tr>'
      ],
      []
    ],
    [
      'a job stopped on timeout: stopping, not counted, and said so',
      { 'wait-for': 'stopped' },
      [{ lastStatus: 'STOPPING', pullStartedAt: at(0), startedAt: at(5) }],
      [
        '<p>Left running: nothing ($0 per hour).</p>',
        '<p>1 task(s) stopped (or stopping) without a stop time read are not counted: they are billed from their image pull until they stopped.</p>'
      ],
      ['What the job cost']
    ]
  ])('with the cost of the tasks: %s', (_name, given, times, contains, lacks) => {
    const inputs = parseInputs((name) => ({ repository: 'app', ...given })[name] ?? '', {
      env: { AWS_REGION: 'us-east-1' },
      readFile: () => ''
    })
    const tasks: TaskReport[] = times.map((known, index) => ({
      taskArn: `${TASK_ARN.slice(0, -1)}${index}`,
      logStream: { logGroup: '/ecs/app', logStream: `ecs/app/${index}` },
      logUrl: LOG_URL,
      ...known
    }))
    const html = failureSummary(new ActionError('The job failed with exit code 3'), {
      mode: 'deploy',
      region: 'us-east-1',
      started: { clusterArn: CLUSTER_ARN, tasks },
      cost: failureCost(inputs, tasks)
    })
    expect(html).toContain('<h3>Cost</h3>')
    for (const text of contains) expect(html).toContain(text)
    for (const text of lacks) expect(html).not.toContain(text)
    expect(html.indexOf('<h3>Tasks started</h3>')).toBeLessThan(html.indexOf('<h3>Cost</h3>'))
  })

  test('stop mode says so', () => {
    expect(failureSummary(new ActionError('denied'), { mode: 'stop', region: REGION })).toContain(
      '<h2>❌ Stop failed: denied</h2>'
    )
  })
})

describe('costSummary', () => {
  const job = {
    region: 'us-east-1',
    dollars: 0.00135925,
    lines: [
      { item: '1 task × (1 vCPU, 2 GB), Linux/x86, 90 s billed', dollars: 0.00123425 },
      { item: 'public IPv4 address, 90 s', dollars: 0.000125 }
    ],
    pricesDate: '2026-06'
  }
  const nothing = { region: 'us-east-1', dollars: 0, lines: [], pricesDate: '2026-06' }

  test('a job: what it cost, line by line with the total, and that nothing is left running', () => {
    expect(costSummary({ region: 'us-east-1', job, hourly: nothing })).toBe(
      [
        '<h3>Cost</h3>',
        '<p>What the job cost (billed per second, at least a minute per task):</p>',
        '<table>',
        '<tr><th>What</th><th>Cost</th></tr>',
        '<tr><td>1 task × (1 vCPU, 2 GB), Linux/x86, 90 s billed</td><td>$0.0012</td></tr>',
        '<tr><td>public IPv4 address, 90 s</td><td>$0.0001</td></tr>',
        '<tr><td><strong>Total</strong></td><td><strong>$0.0014</strong></td></tr>',
        '</table>',
        '<p>Left running: nothing ($0 per hour).</p>',
        '<p>Estimated at on-demand prices in us-east-1 as of 2026-06; data transfer, logs and storage are not counted.</p>'
      ].join('\n')
    )
  })

  test('tasks left running on Spot: per hour, with the note that it is an upper bound', () => {
    const html = costSummary({
      region: 'us-east-1',
      hourly: {
        ...nothing,
        dollars: 0.0173425,
        lines: [
          { item: '1 task × (0.25 vCPU, 0.5 GB), Linux/x86', dollars: 0.0123425 },
          { item: '1 public IPv4 address', dollars: 0.005 }
        ],
        note: 'Fargate Spot has a variable price'
      }
    })
    expect(html).toContain('<p>What keeps running:</p>')
    expect(html).toContain(
      '<tr><td><strong>Total</strong></td><td><strong>$0.0173</strong></td><td><strong>$12.66</strong></td></tr>'
    )
    expect(html).toContain('<p>Fargate Spot has a variable price.</p>')
  })

  test('a region without prices says so', () => {
    expect(costSummary({ region: 'eu-west-3' })).toBe(
      "<h3>Cost</h3>\n<p>No estimate: the action's price table has no prices for eu-west-3.</p>"
    )
  })

  test('the deploy summary ends with the cost section when the result has one', () => {
    expect(deploySummary(REGION, { ...result, cost: { region: 'eu-west-3' } })).toContain(
      "<p>No estimate: the action's price table has no prices for eu-west-3.</p>\n"
    )
    expect(deploySummary(REGION, result)).not.toContain('<h3>Cost</h3>')
  })
})

test.each([
  ['2025-01-02T14:30:05.250Z', '2025-01-02 14:30:05 UTC'],
  ['2024-12-31T23:59:59.999Z', '2024-12-31 23:59:59 UTC']
])('formatStopTime(%s) is %s', (iso, text) => {
  expect(formatStopTime(new Date(iso))).toBe(text)
})

test.each([
  [{}, ''],
  [
    { ttlSeconds: 7200, stopsAt: new Date('2025-01-02T14:30:05Z') },
    '<h3>Lifetime</h3>\n<p>Stops by itself by <strong>2025-01-02 14:30:05 UTC</strong> at the latest (ttl 2h: its timer container exits).</p>\n'
  ],
  [
    { pullRequest: { number: 12, environment: 'pr-12', comment: 'updated' as const } },
    '<h3>Lifetime</h3>\n<p>Preview of pull request #12 in environment <code>pr-12</code>; its comment updated. It stops when the pull request closes.</p>\n'
  ],
  [
    { pullRequest: { number: 12, environment: 'pr-12' } },
    '<h3>Lifetime</h3>\n<p>Preview of pull request #12 in environment <code>pr-12</code>; no comment written (see the warning). It stops when the pull request closes.</p>\n'
  ]
])('lifetimeSummary(%j)', (lifetime, html) => {
  expect(lifetimeSummary(lifetime)).toBe(html)
})

describe('service summaries', () => {
  const result: ServiceDeployResult = {
    image: '1.dkr.ecr/shop@sha256:abc',
    tag: 'v2',
    digest: 'sha256:abc',
    repositoryUri: '1.dkr.ecr/shop',
    clusterArn: CLUSTER_ARN,
    serviceName: 'shop',
    serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/apps/shop',
    createdService: false,
    url: 'https://sh-1.ecs.eu-west-1.on.aws',
    deploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/apps/shop/d2',
    deploymentStatus: 'SUCCESSFUL',
    revisionArn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/apps/shop/r2',
    runningCount: 2,
    desiredCount: 2,
    scaling: { minTasks: 2, maxTasks: 6, scaleOn: 'requests', scaleTarget: 500 },
    created: [],
    phases: [
      { name: 'Push the image', ms: 1200 },
      { name: 'Wait for running', ms: 30_000 }
    ]
  }

  test.each<[ServiceDeployResult['scaling'], string]>([
    [{ minTasks: 1, maxTasks: 1 }, '1 task (no scaling)'],
    [{ minTasks: 3, maxTasks: 3, scaleOn: 'cpu' }, '3 tasks (no scaling)'],
    [{ minTasks: 1, maxTasks: 4 }, '1 to 4 tasks, scaling on cpu at the default target (60)'],
    [
      { minTasks: 1, maxTasks: 4, scaleOn: 'memory', scaleTarget: 70 },
      '1 to 4 tasks, scaling on memory at 70%'
    ],
    [
      { minTasks: 2, maxTasks: 6, scaleOn: 'requests', scaleTarget: 500 },
      '2 to 6 tasks, scaling on requests at 500 requests per task per minute'
    ]
  ])('describeScaling %j', (scaling, text) => {
    expect(describeScaling(scaling)).toBe(text)
  })

  test('the service, URL, deployment, revision, tasks and scaling', () => {
    expect(serviceSummary(REGION, result)).toBe(
      [
        '<h2>✅ Service shop updated: 2 of 2 tasks running (31.2 s)</h2>',
        '<p><strong>URL:</strong> <a href="https://sh-1.ecs.eu-west-1.on.aws">https://sh-1.ecs.eu-west-1.on.aws</a></p>',
        '<table>',
        '<tr><th>What</th><th>Value</th></tr>',
        '<tr><td>Service</td><td><a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/services/shop/health?region=eu-west-1">shop</a> (updated)</td></tr>',
        '<tr><td>Deployment</td><td><code>d2</code> SUCCESSFUL</td></tr>',
        '<tr><td>Revision</td><td><code>r2</code></td></tr>',
        '<tr><td>Tasks</td><td>2 running of 2 desired</td></tr>',
        '<tr><td>Scaling</td><td>2 to 6 tasks, scaling on requests at 500 requests per task per minute</td></tr>',
        '<tr><td>Image</td><td><code>1.dkr.ecr/shop:v2</code><br><code>sha256:abc</code></td></tr>',
        '<tr><td>Cluster</td><td><a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/tasks?region=eu-west-1">apps</a></td></tr>',
        '</table>',
        '<h3>Timings</h3>',
        '',
        '```mermaid',
        'gantt',
        '    dateFormat x',
        '    axisFormat %M:%S',
        '    section Deploy',
        '    Push the image (1.2 s) :p0, 0, 1200',
        '    Wait for running (30.0 s) :p1, 1200, 31200',
        '```',
        '',
        '<details><summary>Phase times</summary>',
        '',
        '<table>',
        '<tr><th>Phase</th><th>Time</th></tr>',
        '<tr><td>Push the image</td><td>1.2 s</td></tr>',
        '<tr><td>Wait for running</td><td>30.0 s</td></tr>',
        '<tr><td><strong>Total</strong></td><td><strong>31.2 s</strong></td></tr>',
        '</table>',
        '',
        '</details>',
        '<p>Created: nothing (everything existed)</p>',
        ''
      ].join('\n')
    )
  })

  test('ends with the hourly cost of what the service leaves running, and what it assumes', () => {
    const html = serviceSummary(REGION, {
      ...result,
      cost: {
        region: 'us-east-1',
        hourly: {
          region: 'us-east-1',
          dollars: 0.067185,
          lines: [
            { item: '2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86', dollars: 0.024685 },
            { item: '4 public IPv4 addresses', dollars: 0.02 },
            { item: '1 Application Load Balancer (hourly base, without LCUs)', dollars: 0.0225 }
          ],
          pricesDate: '2026-06'
        }
      }
    })
    expect(html).toContain(
      [
        '<p>Created: nothing (everything existed)</p>',
        '<h3>Cost</h3>',
        '<p>What keeps running:</p>',
        '<table>',
        '<tr><th>What</th><th>Per hour</th><th>Per month (730 h)</th></tr>',
        '<tr><td>2 tasks × (0.25 vCPU, 0.5 GB), Linux/x86</td><td>$0.0247</td><td>$18.02</td></tr>',
        '<tr><td>4 public IPv4 addresses</td><td>$0.0200</td><td>$14.60</td></tr>',
        '<tr><td>1 Application Load Balancer (hourly base, without LCUs)</td><td>$0.0225</td><td>$16.43</td></tr>',
        '<tr><td><strong>Total</strong></td><td><strong>$0.0672</strong></td><td><strong>$49.05</strong></td></tr>',
        '</table>',
        "<p>Express Mode shares one Application Load Balancer among up to 25 services with the same network configuration: its hourly base and its public IPv4 addresses (one per Availability Zone, two at least) are counted whole here, as for the service that made it, an upper bound for the others. Each task is counted with a public IPv4 address, as in public subnets (the default VPC's); in private subnets it has none.</p>",
        '<p>Estimated at on-demand prices in us-east-1 as of 2026-06; data transfer, logs and storage are not counted.</p>',
        ''
      ].join('\n')
    )
  })

  test('wait-for none: the deployment and tasks are said to be unknown', () => {
    const html = serviceSummary(REGION, {
      ...result,
      deploymentArn: undefined,
      runningCount: undefined,
      url: undefined
    })
    expect(html).toContain('<tr><td>Deployment</td><td>not watched (wait-for none)</td></tr>')
    expect(html).toContain('<tr><td>Tasks</td><td>not known (wait-for none)</td></tr>')
    expect(html).toContain('<tr><td>URL</td><td>not known yet</td></tr>')
  })

  test.each([
    [
      true,
      '<p>Service <a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/services/shop/health?region=eu-west-1">shop</a> deleted: it is INACTIVE.</p>'
    ],
    [
      false,
      '<p>Service <a href="https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/apps/services/shop/health?region=eu-west-1">shop</a> was already deleted (or never existed): nothing to do.</p>'
    ]
  ])('the stop summary, deleted %s', (deleted, line) => {
    expect(serviceStopSummary(REGION, 'apps', { serviceName: 'shop', deleted })).toBe(
      [
        deleted
          ? '<h2>✅ Service shop deleted</h2>'
          : '<h2>✅ Service shop: already gone, nothing to do</h2>',
        line,
        ''
      ].join('\n')
    )
  })

  test('a failed service deploy says what is left of the service', () => {
    const html = failureSummary(new ActionError('Service deployment d2 ended ROLLBACK_SUCCESSFUL'), {
      mode: 'deploy',
      region: REGION,
      service: { serviceArn: result.serviceArn, created: true, deleted: false }
    })
    expect(html).toContain(
      '<p><code>arn:aws:ecs:eu-west-1:123456789012:service/apps/shop</code>: This run created it; it stays (and is billed) until deleted with <code>mode: stop</code> and <code>service: shop</code>.</p>'
    )
  })
})

describe('headlines: whether it worked, first', () => {
  const job: TaskReport = { ...runningTask, lastStatus: 'STOPPED', exitCode: 0, url: undefined }
  test.each<[string, Partial<DeployResult>, string]>([
    ['a web task', {}, '✅ Deployed: 1 task of web:7 running in cluster apps (1 min 2.1 s)'],
    ['a job', { tasks: [job, job] }, '✅ Job finished: 2 tasks of web:7 exited 0 (1 min 2.1 s)'],
    [
      'wait-for none',
      { tasks: [{ ...runningTask, lastStatus: 'PROVISIONING' }] },
      '✅ Deployed: 1 task of web:7 provisioning in cluster apps (1 min 2.1 s)'
    ]
  ])('deployHeadline: %s', (_name, change, headline) => {
    expect(deployHeadline({ ...result, ...change })).toBe(headline)
  })

  test('the deploy summary: the headline, then the URL, then the details', () => {
    const lines = deploySummary(REGION, result).split('\n')
    expect(lines.slice(0, 2)).toEqual([
      '<h2>✅ Deployed: 1 task of web:7 running in cluster apps (1 min 2.1 s)</h2>',
      '<p><strong>URL:</strong> <a href="http://203.0.113.9:8080">http://203.0.113.9:8080</a></p>'
    ])
  })

  test.each([
    ['Task x stopped before it was RUNNING.\nmore', 'Task x stopped before it was RUNNING'],
    [
      'The image could not be pushed because the repository policy of the registry does not allow this identity to write',
      'The image could not be pushed because the repository policy of the registry does not allow this…'
    ]
  ])('failurePhrase(%j) is %j', (message, phrase) => {
    expect(failurePhrase(message)).toBe(phrase)
  })
})

describe('phaseTimeline', () => {
  test('one phase: no picture', () => {
    expect(phaseTimeline([{ name: 'Stop', ms: 100 }])).toBeUndefined()
  })

  test('phases one after another, names without what Mermaid reserves, a 0 ms phase still visible', () => {
    expect(
      phaseTimeline([
        { name: 'Build: and look up; #1', ms: 2500 },
        { name: 'Register', ms: 0 },
        { name: 'Wait for healthy', ms: 60_000 }
      ])
    ).toBe(
      [
        '',
        '```mermaid',
        'gantt',
        '    dateFormat x',
        '    axisFormat %M:%S',
        '    section Deploy',
        '    Build and look up 1 (2.5 s) :p0, 0, 2500',
        '    Register (0.0 s) :p1, 2500, 2600',
        '    Wait for healthy (1 min 0.0 s) :p2, 2500, 62500',
        '```',
        ''
      ].join('\n')
    )
  })
})

describe('the lines under the headline', () => {
  const estimate = (dollars: number, lines = 1) => ({
    region: 'us-east-1',
    dollars,
    lines: Array.from({ length: lines }, () => ({ item: 'x', dollars })),
    pricesDate: '2026-06'
  })
  test.each<[string, Parameters<typeof costLine>[0], string[]]>([
    ['not priced', undefined, []],
    ['a region without prices', { region: 'eu-west-3' }, []],
    [
      'a job',
      { region: 'us-east-1', job: estimate(0.0114), hourly: estimate(0, 0) },
      ['<p><strong>Cost:</strong> $0.0114 for this run; nothing left running.</p>']
    ],
    [
      'tasks left running',
      { region: 'us-east-1', hourly: estimate(0.0173425) },
      ['<p><strong>Cost:</strong> $0.0173 an hour ($12.66 a month) while it runs.</p>']
    ]
  ])('costLine: %s', (_name, cost, lines) => {
    expect(costLine(cost)).toEqual(lines)
  })

  test('withoutEmptyColumns leaves out the columns no row fills', () => {
    expect(
      withoutEmptyColumns(
        ['A', 'B', 'C'],
        [
          ['1', '', '3'],
          ['4', '', '']
        ]
      )
    ).toBe(
      '<table>\n<tr><th>A</th><th>C</th></tr>\n<tr><td>1</td><td>3</td></tr>\n<tr><td>4</td><td></td></tr>\n</table>'
    )
  })
})
