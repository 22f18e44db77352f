// Preloaded into the action (node --import) by the benchmark: at exit it writes the process's CPU time, peak
// memory and the bundle files it loaded to the file named by EFD_BENCH_PROBE.
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'

const out = process.env['EFD_BENCH_PROBE']
const loaded = []
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.push(url)
    return nextLoad(url, context)
  }
})
process.on('exit', () => {
  if (!out) return
  const usage = process.resourceUsage()
  writeFileSync(
    out,
    JSON.stringify({
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxRssMiB: usage.maxRSS / 1024,
      loaded
    })
  )
})
