/* ecs-fargate-deploy chunk: @aws-sdk/credential-provider-env */
var t=Object.defineProperty;var d=(s,o)=>t(s,"name",{value:o,configurable:!0});const e=8920,m=[8920],r={6539:((s,o,_)=>{_.d(o,{fromEnv:d(()=>n.sF,"fromEnv")});var n=_(4939)})};export{e as id,m as ids,r as modules};
