import { ecsTags, keyValueTags, tagMap, tagSpecifications } from '../../src/shared/tags.js'

const two = [
  { key: 'team', value: 'data' },
  { key: 'cost-center', value: '' }
]

describe('the tags input in each API shape', () => {
  test.each([
    [
      'ECS',
      ecsTags,
      [
        { key: 'team', value: 'data' },
        { key: 'cost-center', value: '' }
      ]
    ],
    [
      'ECR and IAM',
      keyValueTags,
      [
        { Key: 'team', Value: 'data' },
        { Key: 'cost-center', Value: '' }
      ]
    ],
    [
      'EC2 security group',
      (tags: typeof two) => tagSpecifications('security-group', tags),
      [
        {
          ResourceType: 'security-group',
          Tags: [
            { Key: 'team', Value: 'data' },
            { Key: 'cost-center', Value: '' }
          ]
        }
      ]
    ],
    ['CloudWatch Logs', tagMap, { team: 'data', 'cost-center': '' }]
  ])('%s', (_api, convert, expected) => {
    expect(convert(two)).toEqual(expected)
    // No tags: the field is left out, never sent empty.
    expect(convert([])).toBeUndefined()
  })
})
