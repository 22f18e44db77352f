// The demo: the bundled action deploys examples/web to the local AWS (a real registry, real containers),
// prints the URL and what it serves, then tears it down with mode: stop. Run through `npm run demo`,
// which makes sure a Docker engine answers first.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT, runAction } from '../__tests__/e2e/harness.js'
import { startLocalAws } from '../local-aws/src/index.js'

const run = promisify(execFile)
const IMAGE = 'ecs-fargate-deploy-demo/web:latest'
const PORT = process.env['DEMO_PORT'] ?? '5000'

function say(line: string): void {
  process.stdout.write(`\n\x1b[1m== ${line}\x1b[0m\n`)
}

/** Runs one step of the action as the runner would (then its post step), showing its log as it goes. */
async function step(
  label: string,
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<Record<string, string>> {
  const indent = (text: string): string =>
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `   ${line}\n`)
      .join('')
  say(label)
  const run = await runAction(inputs, { env, onStdout: (chunk) => process.stdout.write(indent(chunk)) })
  say(`${label}: post step`)
  process.stdout.write(indent(run.post.stdout))
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}): ${run.errors.join('; ')}`)
  return run.outputs
}

async function main(): Promise<void> {
  say(`Building examples/web as ${IMAGE}`)
  await run('docker', ['build', '--quiet', '--tag', IMAGE, join(ROOT, 'examples/web')])

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
    const title = /<h1>(.*?)<\/h1>/.exec(page)?.[1] ?? '(no title)'
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
    say(`Done: ${url} served "${title}", and the task is stopped. Nothing ran on real AWS.`)
  } finally {
    await cleanup()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
