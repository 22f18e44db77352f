// The CLI the demo uses: one JSON ready line on stdout, clean shutdown on SIGTERM.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { expect, it } from '@jest/globals'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { requireDocker } from './helpers.js'

it('prints {endpoint, registryHost, pid} and stops everything on SIGTERM', async () => {
  requireDocker()
  const child = spawn('node_modules/.bin/tsx', ['local-aws/src/cli.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', () => reject(new Error('cli exited before printing its ready line')))
  })
  const ready = JSON.parse(line) as { endpoint: string; registryHost: string; pid: number }
  expect(ready.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(ready.registryHost).toMatch(/^127\.0\.0\.1:\d+$/)
  const sts = new STSClient({
    endpoint: ready.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'x' }
  })
  expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
    'arn:aws:iam::123456789012:user/AKIDCLI'
  )
  process.kill(ready.pid, 'SIGTERM')
  expect(await exited).toBe(0)
  await expect(fetch(`${ready.endpoint}/_local/health`)).rejects.toThrow()
  await expect(fetch(`http://${ready.registryHost}/v2/`)).rejects.toThrow()
})
