// The Alibaba SDKs are CommonJS modules compiled from TypeScript: under Node's ESM loader (and esbuild's
// node mode) their default import is the whole module.exports, so the client classes sit on `.default`.
// This file is the one place that knows it.
import credentialsModule from "@alicloud/credentials";
import fcModule from "@alicloud/fc20230330";
import openapiModule from "@alicloud/openapi-client";
import stsModule from "@alicloud/sts20150401";
import teaUtilModule from "@alicloud/tea-util";

export const Credential = credentialsModule.default;
export const CredentialConfig = credentialsModule.Config;
export const FcClient = fcModule.default;
export const StsClient = stsModule.default;
export const OpenApiConfig = openapiModule.Config;
/** The generic client, for a product without its own SDK package here (RAM's GetRole). */
export const OpenApiClient = openapiModule.default;
export const OpenApiParams = openapiModule.Params;
export const OpenApiRequest = openapiModule.OpenApiRequest;
export const RuntimeOptions = teaUtilModule.RuntimeOptions;
export type FcClient = InstanceType<typeof FcClient>;
export type StsClient = InstanceType<typeof StsClient>;
export type {
  Alias as FcAlias,
  Function as FcFunction,
  Trigger as FcTrigger,
  Version as FcVersion,
} from "@alicloud/fc20230330";
export {
  CreateAliasInput,
  CreateAliasRequest,
  CreateFunctionInput,
  CreateFunctionRequest,
  CreateTriggerInput,
  CreateTriggerRequest,
  CustomContainerConfig,
  GetFunctionRequest,
  InputCodeLocation,
  InvokeFunctionRequest,
  ListAliasesRequest,
  ListFunctionsRequest,
  ListFunctionVersionsRequest,
  ListTriggersRequest,
  PublishFunctionVersionRequest,
  PublishVersionInput,
  Tag,
  UpdateAliasInput,
  UpdateAliasRequest,
  UpdateFunctionInput,
  UpdateFunctionRequest,
  UpdateTriggerInput,
  UpdateTriggerRequest,
} from "@alicloud/fc20230330";
export { AssumeRoleWithOIDCRequest } from "@alicloud/sts20150401";
