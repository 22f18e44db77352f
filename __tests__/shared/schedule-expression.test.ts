import {
  nextRuns,
  parseScheduleExpression,
  runsPerMonth,
  timeZoneProblem,
  type ScheduleExpression
} from '../../src/shared/schedule-expression.js'

function parsed(text: string): ScheduleExpression {
  const result = parseScheduleExpression(text)
  if ('problem' in result) throw new Error(`${text}: ${result.problem}`)
  return result.expression
}

describe('parseScheduleExpression', () => {
  test.each([
    ['cron(0 3 * * ? *)', { minutes: [0], hours: [3], daysOfMonth: { kind: 'days', days: range(1, 31) } }],
    [
      'cron(0/15 8-10 ? * MON-FRI *)',
      { minutes: [0, 15, 30, 45], hours: [8, 9, 10], daysOfWeek: { kind: 'days', days: [2, 3, 4, 5, 6] } }
    ],
    [
      'cron(5,35 */6 1,15 JAN,jul ? 2027-2028)',
      { minutes: [5, 35], hours: [0, 6, 12, 18], months: [1, 7], years: [2027, 2028] }
    ],
    ['cron(0 12 L * ? *)', { daysOfMonth: { kind: 'last' }, daysOfWeek: { kind: 'unspecified' } }],
    ['cron(0 12 LW * ? *)', { daysOfMonth: { kind: 'lastWeekday' } }],
    ['cron(0 12 15W * ? *)', { daysOfMonth: { kind: 'nearestWeekday', day: 15 } }],
    ['cron(0 12 ? * 6L *)', { daysOfWeek: { kind: 'lastOfMonth', day: 6 } }],
    ['cron(0 12 ? * FRIL *)', { daysOfWeek: { kind: 'lastOfMonth', day: 6 } }],
    ['cron(0 12 ? * 3#2 *)', { daysOfWeek: { kind: 'nth', day: 3, nth: 2 } }],
    ['cron(0 12 ? * L *)', { daysOfWeek: { kind: 'days', days: [7] } }],
    [
      'cron(10-20/5 0 ? 2/4 SUN,SAT *)',
      { minutes: [10, 15, 20], months: [2, 6, 10], daysOfWeek: { kind: 'days', days: [1, 7] } }
    ],
    ['rate(1 minute)', { kind: 'rate', value: 1, unit: 'minute', seconds: 60 }],
    ['rate(15 minutes)', { kind: 'rate', value: 15, unit: 'minute', seconds: 900 }],
    ['rate(1 hour)', { kind: 'rate', value: 1, unit: 'hour', seconds: 3600 }],
    ['rate(2 days)', { kind: 'rate', value: 2, unit: 'day', seconds: 172800 }],
    [
      'at(2028-02-29T23:59:59)',
      { kind: 'at', year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 59 }
    ]
  ])('%s is valid', (text, expected) => {
    expect(parsed(text)).toMatchObject(expected)
  })

  test('a cron() keeps every field', () => {
    expect(parsed('cron(0 3 ? * 2 2030)')).toEqual({
      kind: 'cron',
      text: 'cron(0 3 ? * 2 2030)',
      minutes: [0],
      hours: [3],
      daysOfMonth: { kind: 'unspecified' },
      months: range(1, 12),
      daysOfWeek: { kind: 'days', days: [2] },
      years: [2030]
    })
  })

  test.each([
    ['0 3 * * ? *', 'it is none of cron(...), rate(...) and at(...)'],
    [
      'cron(0 3 * * *)',
      'cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not 5 (a Unix cron has 5: add the year, as in cron(0 3 * * ? *))'
    ],
    [
      'cron(0 3 * * ? * *)',
      'cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not 7'
    ],
    [
      'cron(0 3 * * * *)',
      'one of day-of-month and day-of-week must be ? and the other not: cron(0 3 * * ? *) daily, cron(0 3 ? * MON *) on Mondays'
    ],
    [
      'cron(0 3 ? * ? *)',
      'one of day-of-month and day-of-week must be ? and the other not: cron(0 3 * * ? *) daily, cron(0 3 ? * MON *) on Mondays'
    ],
    ['cron(60 3 * * ? *)', 'minutes: 60 is out of range 0-59'],
    ['cron(0 24 * * ? *)', 'hours: 24 is out of range 0-23'],
    ['cron(0 3 0 * ? *)', 'day-of-month: 0 is out of range 1-31'],
    ['cron(0 3 32W * ? *)', 'day-of-month: 32 is out of range 1-31'],
    ['cron(0 3 * 13 ? *)', 'month: 13 is out of range 1-12 or JAN-DEC'],
    ['cron(0 3 * FOO ? *)', 'month: FOO is not 1-12 or JAN-DEC'],
    ['cron(0 3 ? * 0 *)', 'day-of-week: 0 is out of range 1-7 or SUN-SAT (1 is SUN)'],
    ['cron(0 3 ? * 8 *)', 'day-of-week: 8 is out of range 1-7 or SUN-SAT'],
    ['cron(0 3 ? * MON/2 *)', 'day-of-week: MON/2 is not valid (day-of-week takes no /)'],
    ['cron(0 3 ? * 2#6 *)', 'day-of-week: in 2#6 the week of the month must be 1-5 (2#1: the first Monday)'],
    ['cron(0 3 ? * 2#1,3 *)', 'day-of-week: 2#1,3 is not valid (6L and 2#1 stand alone in the field)'],
    ['cron(0 3 L,15 * ? *)', 'day-of-month: L,15 is not valid (L, LW and 15W stand alone in the field)'],
    ['cron(0 3 * * ? 1969)', 'year: 1969 is out of range 1970-2199'],
    ['cron(0 3 ? * FRI-MON *)', 'day-of-week: the range FRI-MON runs backwards (write MON-FRI)'],
    ['cron(0/0 3 * * ? *)', 'minutes: the step in 0/0 must be a whole number of 1 or more'],
    ['cron(0 1-2-3 * * ? *)', 'hours: 1-2-3 is not a range'],
    ['cron(0 3, * * ? *)', 'hours: an empty value is not 0-23'],
    ['rate(1 minutes)', 'write rate(1 minute): the unit is singular for 1'],
    ['rate(5 hour)', 'write rate(5 hours): the unit is plural above 1'],
    ['rate(0 minutes)', "the rate's value must be 1 or more, not 0"],
    ['rate(1 week)', 'rate() takes a whole number and a unit: rate(5 minutes), rate(1 hour), rate(2 days)'],
    [
      'rate(1.5 hours)',
      'rate() takes a whole number and a unit: rate(5 minutes), rate(1 hour), rate(2 days)'
    ],
    ['at(2027-02-29T03:00:00)', '2027-02-29 is not a date of the calendar'],
    ['at(2027-01-31T24:00:00)', '24:00:00 is not a time of day'],
    ['at(2027-01-31 03:00)', 'at() takes a date and time as yyyy-mm-ddThh:mm:ss: at(2027-01-31T03:00:00)']
  ])('%s is refused: %s', (text, problem) => {
    expect(parseScheduleExpression(text)).toEqual({ problem })
  })
})

describe('timeZoneProblem', () => {
  test.each([
    ['UTC', undefined],
    ['Europe/Berlin', undefined],
    [
      'Mars/Olympus',
      'Mars/Olympus is not an IANA time zone name (write one such as UTC, Europe/Berlin or America/New_York)'
    ]
  ])('%s', (zone, problem) => {
    expect(timeZoneProblem(zone)).toBe(problem)
  })
})

describe('nextRuns', () => {
  test.each([
    // month end, into the next month
    [
      'cron(0 3 * * ? *)',
      'UTC',
      '2027-01-30T12:00:00Z',
      3,
      ['2027-01-31T03:00:00Z', '2027-02-01T03:00:00Z', '2027-02-02T03:00:00Z']
    ],
    // exactly at a run time: that run counts
    ['cron(0 3 * * ? *)', 'UTC', '2027-01-31T03:00:00Z', 1, ['2027-01-31T03:00:00Z']],
    // L in a leap year's February
    [
      'cron(0 12 L * ? *)',
      'UTC',
      '2028-01-31T13:00:00Z',
      3,
      ['2028-02-29T12:00:00Z', '2028-03-31T12:00:00Z', '2028-04-30T12:00:00Z']
    ],
    // 29 February: leap years only
    [
      'cron(0 12 29 2 ? *)',
      'UTC',
      '2027-01-01T00:00:00Z',
      2,
      ['2028-02-29T12:00:00Z', '2032-02-29T12:00:00Z']
    ],
    // the last Friday of the month (6L)
    [
      'cron(0 9 ? * 6L *)',
      'UTC',
      '2027-01-01T00:00:00Z',
      3,
      ['2027-01-29T09:00:00Z', '2027-02-26T09:00:00Z', '2027-03-26T09:00:00Z']
    ],
    // the first Monday (2#1)
    [
      'cron(0 9 ? * 2#1 *)',
      'UTC',
      '2027-01-01T00:00:00Z',
      3,
      ['2027-01-04T09:00:00Z', '2027-02-01T09:00:00Z', '2027-03-01T09:00:00Z']
    ],
    // 15W: 15 May 2027 is a Saturday, so Friday the 14th
    [
      'cron(0 9 15W * ? *)',
      'UTC',
      '2027-05-01T00:00:00Z',
      3,
      ['2027-05-14T09:00:00Z', '2027-06-15T09:00:00Z', '2027-07-15T09:00:00Z']
    ],
    // 1W: 1 May 2027 is a Saturday, and W stays in the month: Monday the 3rd
    [
      'cron(0 9 1W * ? *)',
      'UTC',
      '2027-05-01T00:00:00Z',
      2,
      ['2027-05-03T09:00:00Z', '2027-06-01T09:00:00Z']
    ],
    // LW: 31 January and 28 February 2027 are Sundays
    [
      'cron(0 9 LW * ? *)',
      'UTC',
      '2027-01-01T00:00:00Z',
      3,
      ['2027-01-29T09:00:00Z', '2027-02-26T09:00:00Z', '2027-03-31T09:00:00Z']
    ],
    // steps across the year end
    [
      'cron(0/15 * * * ? *)',
      'UTC',
      '2027-12-31T23:40:00Z',
      3,
      ['2027-12-31T23:45:00Z', '2028-01-01T00:00:00Z', '2028-01-01T00:15:00Z']
    ],
    // a year field ends the runs
    ['cron(0 3 * * ? 2027)', 'UTC', '2027-12-30T12:00:00Z', 3, ['2027-12-31T03:00:00Z']],
    // spring forward in New York (14 March 2027): 02:30 does not exist, that day is skipped
    [
      'cron(30 2 * * ? *)',
      'America/New_York',
      '2027-03-13T00:00:00Z',
      3,
      ['2027-03-13T07:30:00Z', '2027-03-15T06:30:00Z', '2027-03-16T06:30:00Z']
    ],
    // fall back in New York (7 November 2027): 01:30 happens twice, runs once, at the first (EDT)
    [
      'cron(30 1 * * ? *)',
      'America/New_York',
      '2027-11-06T00:00:00Z',
      3,
      ['2027-11-06T05:30:00Z', '2027-11-07T05:30:00Z', '2027-11-08T06:30:00Z']
    ],
    // spring forward in Berlin (28 March 2027)
    [
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2027-03-27T00:00:00Z',
      3,
      ['2027-03-27T01:30:00Z', '2027-03-29T00:30:00Z', '2027-03-30T00:30:00Z']
    ],
    // fall back in Berlin (31 October 2027)
    [
      'cron(30 2 * * ? *)',
      'Europe/Berlin',
      '2027-10-30T00:00:00Z',
      3,
      ['2027-10-30T00:30:00Z', '2027-10-31T00:30:00Z', '2027-11-01T01:30:00Z']
    ],
    // a local day that is another UTC day
    [
      'cron(0 23 ? * MON *)',
      'America/New_York',
      '2027-01-01T00:00:00Z',
      2,
      ['2027-01-05T04:00:00Z', '2027-01-12T04:00:00Z']
    ],
    // never: 30 February
    ['cron(0 0 30 2 ? *)', 'UTC', '2027-01-01T00:00:00Z', 3, []],
    // rate(): every interval from `from` (no StartDate), through DST as fixed durations
    [
      'rate(1 day)',
      'America/New_York',
      '2027-03-13T12:00:00Z',
      3,
      ['2027-03-13T12:00:00Z', '2027-03-14T12:00:00Z', '2027-03-15T12:00:00Z']
    ],
    // at(): once, read in the time zone
    ['at(2027-07-01T09:00:00)', 'Europe/Berlin', '2027-01-01T00:00:00Z', 3, ['2027-07-01T07:00:00Z']],
    ['at(2027-07-01T09:00:00)', 'UTC', '2027-07-01T09:00:01Z', 3, []]
  ])('%s in %s from %s', (text, zone, from, count, expected) => {
    const runs = nextRuns(parsed(text), zone, new Date(from), count)
    expect(runs.map((run) => run.toISOString().replace('.000Z', 'Z'))).toEqual(expected)
  })

  test('rate() counts its intervals from the StartDate', () => {
    const runs = nextRuns(
      parsed('rate(10 minutes)'),
      'UTC',
      new Date('2027-01-01T00:25:00Z'),
      2,
      new Date('2027-01-01T00:03:00Z')
    )
    expect(runs.map((run) => run.toISOString())).toEqual([
      '2027-01-01T00:33:00.000Z',
      '2027-01-01T00:43:00.000Z'
    ])
  })
})

describe('runsPerMonth', () => {
  test.each([
    ['rate(1 minute)', 43800],
    ['rate(1 hour)', 730],
    ['rate(2 days)', 15.208333333333334],
    ['cron(0 3 * * ? *)', 365 / 12],
    ['cron(0/30 9-16 ? * MON-FRI *)', (261 * 16) / 12], // 2027 has 261 weekdays
    ['cron(0 12 1 * ? *)', 1],
    ['cron(0 12 1 * ? 2026)', 0],
    ['at(2027-07-01T09:00:00)', 0]
  ])('%s: %d', (text, expected) => {
    expect(runsPerMonth(parsed(text), 'UTC', new Date('2027-01-01T00:00:00Z'))).toBeCloseTo(expected, 9)
  })
})

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
