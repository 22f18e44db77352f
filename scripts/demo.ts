// The demo: the bundled action deploys examples/web to the local AWS (a real registry, real containers),
// prints the URL and what it serves, then tears it down with mode: stop. Then the same app as an ECS Express
// Mode service: deploy, update to a new image while a client requests the URL throughout (no request may fail),
// delete. Run through `npm run demo`, which makes sure a Docker engine answers first.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT, runAction } from '../__tests__/e2e/harness.js'
import { startLocalAws } from '../local-aws/src/index.js'

const run = promisify(execFile)
const IMAGE = 'ecs-fargate-deploy-demo/web:latest'
/** The same app with a changed page, for the service update (built FROM the demo image: no registry pull). */
const IMAGE_V2 = 'ecs-fargate-deploy-demo/web:v2'
const TITLE_V2 = 'Cat of the day, version 2'
const PORT = process.env['DEMO_PORT'] ?? '5000'

function say(line: string): void {
  process.stdout.write(`\n\x1b[1m== ${line}\x1b[0m\n`)
}

/**
 * One line of the action's log as a reader wants it: workflow commands shown as what the runner renders (a group
 * title, a warning), and the noise left out (masks, docker push's per-layer progress). A group's end is
 * `endgroup`; undefined: not shown.
 */
function readable(line: string): string | 'endgroup' | undefined {
  if (line.trim() === '' || line.startsWith('::add-mask::')) return undefined
  if (line.startsWith('::endgroup::')) return 'endgroup'
  if (/^[0-9a-f]{12}: (Preparing|Waiting|Pushed|Layer already exists|Pushing)/.test(line)) return undefined
  if (line.startsWith('The push refers to repository')) return undefined
  const group = /^::group::(.*)$/.exec(line)
  if (group) return `▸ ${group[1]}`
  const annotation = /^::(notice|warning|error)[^:]*::(.*)$/.exec(line)
  if (annotation) return `${annotation[1]}: ${annotation[2]}`
  return `    ${line}`
}

/**
 * Writes the log's lines as they complete (a chunk can end mid-line), indented and made readable; a group's title
 * only when something in the group is shown.
 */
function logWriter(): { write: (chunk: string) => void; end: () => void } {
  let partial = ''
  let groupTitle: string | undefined
  const emit = (line: string): void => {
    const shown = readable(line)
    if (shown === undefined) return
    if (shown === 'endgroup') groupTitle = undefined
    else if (shown.startsWith('▸ ')) groupTitle = shown
    else {
      if (groupTitle) process.stdout.write(`   ${groupTitle}\n`)
      groupTitle = undefined
      process.stdout.write(`   ${shown}\n`)
    }
  }
  return {
    write: (chunk) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop()!
      lines.forEach(emit)
    },
    end: () => {
      emit(partial)
      partial = ''
    }
  }
}

/** Runs one step of the action as the runner would (then its post step), showing its log as it goes. */
async function step(
  label: string,
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<Record<string, string>> {
  say(label)
  const log = logWriter()
  const run = await runAction(inputs, { env, onStdout: log.write })
  log.end()
  const post = run.post.stdout.split('\n').filter((line) => line.trim() !== '')
  if (post.length > 0) process.stdout.write(`   ▸ post step: ${post.join('; ')}\n`)
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}): ${run.errors.join('; ')}`)
  return run.outputs
}

const titleOf = (page: string): string => /<h1>(.*?)<\/h1>/.exec(page)?.[1] ?? '(no title)'

interface Traffic {
  requests: number
  failed: string[]
  /** The titles served, in the order they first appeared, with how many requests got each. */
  titles: Map<string, number>
}

/**
 * Requests URL back to back until stop() or a deadline (so it ends by itself), counting what answered.
 * A request fails when it errors, times out or answers anything but 200.
 */
function requestThroughout(url: string, deadlineMs = 180_000): { stop: () => Promise<Traffic> } {
  const traffic: Traffic = { requests: 0, failed: [], titles: new Map() }
  let stopping = false
  const deadline = Date.now() + deadlineMs
  const loop = (async () => {
    while (!stopping && Date.now() < deadline) {
      traffic.requests++
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
        const page = await response.text()
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
        const title = titleOf(page)
        traffic.titles.set(title, (traffic.titles.get(title) ?? 0) + 1)
      } catch (error) {
        traffic.failed.push(error instanceof Error ? error.message : String(error))
      }
    }
  })()
  return {
    stop: async () => {
      stopping = true
      await loop
      return traffic
    }
  }
}

async function main(): Promise<void> {
  say(`Building examples/web as ${IMAGE}, and ${IMAGE_V2} with a changed page`)
  await run('docker', ['build', '--quiet', '--tag', IMAGE, join(ROOT, 'examples/web')])
  await buildFrom(
    IMAGE_V2,
    `FROM ${IMAGE}\nRUN sed -i 's|<h1>Cat of the day</h1>|<h1>${TITLE_V2}</h1>|' /www/index.html\n`
  )

  say('Starting the local AWS (ECR, ECS, EC2, IAM, CloudWatch Logs) and its registry')
  const aws = await startLocalAws()
  process.stdout.write(`   endpoint ${aws.endpoint}, registry ${aws.registryHost}\n`)
  const env = {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALDEMO',
    AWS_SECRET_ACCESS_KEY: 'local-demo',
    GITHUB_SHA: 'demo'
  }
  let stopped = false
  const cleanup = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await aws.stop()
  }
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))
  try {
    const deployed = await step(
      'Deploy (uses: ecs-fargate-deploy, mode: deploy)',
      {
        repository: 'cats',
        image: IMAGE,
        tag: 'demo',
        cluster: 'demo',
        port: PORT,
        environment: `PORT=${PORT}`,
        'wait-for': 'healthy',
        'health-path': '/health',
        timeout: '120'
      },
      env
    )
    const url = deployed['url']!
    say(`Outputs`)
    for (const name of ['task-arn', 'public-ip', 'url', 'image', 'task-definition-arn']) {
      process.stdout.write(`   ${name.padEnd(20)} ${deployed[name]}\n`)
    }
    say(`GET ${url}`)
    const page = await (await fetch(url)).text()
    const title = titleOf(page)
    const text = page
      .replace(/<head[\s\S]*?<\/head>|<h1[\s\S]*?<\/h1>|<svg[\s\S]*?<\/svg>|<script[\s\S]*?<\/script>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
    process.stdout.write(`   ${title}: ${text.slice(0, 200)}\n`)

    await step(
      'Teardown (mode: stop)',
      { mode: 'stop', cluster: 'demo', 'task-arn': deployed['task-arn']! },
      env
    )
    say(`Done: ${url} served "${title}", and the task is stopped.`)

    await serviceDemo(env)
    say('Done: nothing ran on real AWS, and everything the demo started is stopped.')
  } finally {
    await cleanup()
  }
}

/** The same app as an ECS Express Mode service: deploy, update with a client requesting throughout, delete. */
async function serviceDemo(env: Record<string, string>): Promise<void> {
  const service = {
    repository: 'cats',
    cluster: 'demo',
    service: 'cats',
    port: PORT,
    'health-path': '/health'
  }
  const created = await step(
    'Service: deploy (service: cats, ECS Express Mode)',
    { ...service, image: IMAGE, tag: 'service-v1' },
    env
  )
  const url = created['url']!
  say('Outputs')
  for (const name of ['service-arn', 'url', 'deployment-arn'])
    process.stdout.write(`   ${name.padEnd(20)} ${created[name]}\n`)
  const before = titleOf(await (await fetch(url)).text())
  process.stdout.write(`   GET ${url}: ${before}\n`)

  const client = requestThroughout(url)
  const updateStarted = Date.now()
  let traffic: Traffic
  try {
    await step(
      `Service: update to a new image while a client requests ${url} throughout`,
      { ...service, image: IMAGE_V2, tag: 'service-v2' },
      env
    )
  } finally {
    traffic = await client.stop()
  }
  const seconds = ((Date.now() - updateStarted) / 1000).toFixed(1)
  say(`Requests to ${url} during the update (${seconds} s)`)
  process.stdout.write(`   ${traffic.requests} requests, ${traffic.failed.length} failed\n`)
  for (const [title, count] of traffic.titles)
    process.stdout.write(`   ${String(count).padStart(6)} served "${title}"\n`)
  if (traffic.failed.length > 0) {
    const first = [...new Set(traffic.failed)].slice(0, 3).join('; ')
    throw new Error(
      `${traffic.failed.length} of ${traffic.requests} requests failed during the update: ${first}`
    )
  }
  const after = titleOf(await (await fetch(url)).text())
  if (after !== TITLE_V2) throw new Error(`after the update ${url} serves "${after}", not "${TITLE_V2}"`)

  await step(
    'Service: delete (mode: stop, service: cats)',
    { mode: 'stop', cluster: 'demo', service: 'cats' },
    env
  )
  say(`Done: ${url} served "${before}", then "${after}" with no failed request, and the service is deleted.`)
}

async function buildFrom(tag: string, dockerfile: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const child = execFile('docker', ['build', '--quiet', '--tag', tag, '-'], (error) =>
      error ? fail(error) : done()
    )
    child.stdin!.end(dockerfile)
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
