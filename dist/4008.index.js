/* ecs-fargate-deploy chunk: @aws-sdk/credential-provider-env */
var t=Object.defineProperty;var d=(s,o)=>t(s,"name",{value:o,configurable:!0});const e=4008,m=[4008],r={4008:((s,o,_)=>{_.d(o,{fromEnv:d(()=>n.sF,"fromEnv")});var n=_(3099)})};export{e as id,m as ids,r as modules};
