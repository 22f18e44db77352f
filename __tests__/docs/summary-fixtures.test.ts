// The sample summaries npm run screenshots renders (scripts/summary-fixtures.ts): each says first whether it
// worked, and a deploy gives its URL second.
import { summaryFixtures } from '../../scripts/summary-fixtures.js'

test('every sample summary starts with its headline', async () => {
  const firstLines = Object.fromEntries(
    (await summaryFixtures()).map(({ name, markdown }) => [name, markdown.split('\n')[0]])
  )
  expect(firstLines).toEqual({
    deploy: '<h2>✅ Deployed: 1 task of web:7 running in cluster default (1 min 10.5 s)</h2>',
    job: '<h2>✅ Job finished: 1 task of nightly-job:12 exited 0 (13 min 6.4 s)</h2>',
    failed:
      '<h2>❌ Deploy failed: http://203.0.113.31:5000/health did not answer 2xx or 3xx before the timeout (300 s); last: HTTP 502</h2>',
    service: '<h2>✅ Service shop updated: 2 of 2 tasks running (4 min 5.2 s)</h2>',
    permissions: '## 📨 The permissions to ask for: a request for your security team'
  })
})

test('the URL comes second, then the cost in a line', async () => {
  const [deploy] = await summaryFixtures()
  expect(deploy!.markdown.split('\n').slice(1, 3)).toEqual([
    '<p><strong>URL:</strong> <a href="http://203.0.113.24:5000">http://203.0.113.24:5000</a></p>',
    '<p><strong>Cost:</strong> $0.0173 an hour ($12.66 a month) while it runs.</p>'
  ])
})

test('a picture of the phases where there are phases: one Mermaid gantt chart', async () => {
  const blocks = (await summaryFixtures()).map(
    ({ name, markdown }) => `${name}: ${(markdown.match(/```mermaid\ngantt\n/g) ?? []).length}`
  )
  expect(blocks).toEqual(['deploy: 1', 'job: 1', 'failed: 0', 'service: 1', 'permissions: 0'])
})
