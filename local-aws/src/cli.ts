// `npx tsx local-aws/src/cli.ts [--port N] [--registry-port N] [--data-dir DIR] [--latency-ms N] [--verbose]`
// Prints one JSON line {"endpoint","registryHost","pid"} on stdout once ready; SIGTERM/SIGINT stop everything.
import { parseArgs } from 'node:util'
import { startLocalAws } from './index.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'registry-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'latency-ms': { type: 'string' },
    verbose: { type: 'boolean', default: false }
  }
})

const aws = await startLocalAws({
  port: values.port ? Number(values.port) : undefined,
  registryPort: values['registry-port'] ? Number(values['registry-port']) : undefined,
  dataDir: values['data-dir'],
  latencyMs: values['latency-ms'] ? Number(values['latency-ms']) : undefined,
  // Logs go to stderr so stdout carries only the ready line.
  log: values.verbose ? (l) => process.stderr.write(`[local-aws] ${l}\n`) : undefined
})
process.stdout.write(
  JSON.stringify({ endpoint: aws.endpoint, registryHost: aws.registryHost, pid: process.pid }) + '\n'
)

let stopping = false
const shutdown = (signal: string): void => {
  if (stopping) return
  stopping = true
  process.stderr.write(`[local-aws] ${signal}: stopping\n`)
  aws.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`[local-aws] stop failed: ${String(err)}\n`)
      process.exit(1)
    }
  )
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
