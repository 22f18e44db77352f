// The ECS cluster: found, or created with the Fargate capacity providers.
import { CreateClusterCommand, DescribeClustersCommand, type ECSClient } from '@aws-sdk/client-ecs'
import { lastSegment } from '../shared/arn.js'
import { ActionError } from '../explain/action-error.js'
import { ecsTags, type Tag } from '../shared/tags.js'

export interface ClusterResult {
  clusterArn: string
  clusterName: string
  created: boolean
}

export async function ensureCluster(
  ecs: ECSClient,
  options: { cluster: string; create: boolean; tags: Tag[]; spot?: boolean }
): Promise<ClusterResult> {
  const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [options.cluster] }))
  const active = clusters?.find((cluster) => cluster.status === 'ACTIVE')
  if (active) {
    // RunTask would refuse a strategy naming a provider the cluster lacks; say so before pushing anything.
    if (options.spot && !(active.capacityProviders ?? []).includes('FARGATE_SPOT')) {
      throw new ActionError(
        `ECS cluster '${active.clusterName}' has no FARGATE_SPOT capacity provider, which capacity: spot needs`,
        {
          hint:
            `Add it (aws ecs put-cluster-capacity-providers --cluster ${active.clusterName} --capacity-providers ` +
            'FARGATE FARGATE_SPOT --default-capacity-provider-strategy capacityProvider=FARGATE,weight=1, keeping any ' +
            'providers the cluster already has), or use capacity: on-demand.'
        }
      )
    }
    return { clusterArn: active.clusterArn!, clusterName: active.clusterName!, created: false }
  }

  const name = clusterName(options.cluster)
  if (!options.create) {
    throw new ActionError(
      `ECS cluster '${options.cluster}' does not exist (or is INACTIVE) and create-cluster is false`,
      {
        hint: `Create it (aws ecs create-cluster --cluster-name ${name}) or set create-cluster: true.`
      }
    )
  }
  // CreateCluster is idempotent for a name: a concurrent job creating the same cluster gets the same one.
  const { cluster } = await ecs.send(
    new CreateClusterCommand({
      clusterName: name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      tags: ecsTags(options.tags)
    })
  )
  return { clusterArn: cluster!.clusterArn!, clusterName: cluster!.clusterName!, created: true }
}

/** The name in a cluster ARN (arn:aws:ecs:region:account:cluster/NAME), or the name itself. */
export function clusterName(cluster: string): string {
  return lastSegment(cluster)
}
