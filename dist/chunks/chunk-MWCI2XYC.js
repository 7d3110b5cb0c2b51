import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as o}from"./chunk-VLSZXNS2.js";function r(e){o("OCI_CLI_CONFIG_FILE",e.configFile),o("OCI_CLI_PROFILE",e.profile),e.auth==="oidc"&&o("OCI_CLI_AUTH","security_token")}export{r as a};
