// The example function fngate deploys: a Node function on the Fn FDK, as `fn init --runtime node`
// lays it out. It answers {"message":"Hello World"}, or "Hello <name>" for a JSON body
// {"name":"<name>"}; anything else in the body is ignored rather than failing the call.
const fdk = require("@fnproject/fdk");

fdk.handle((input) => {
  let name = "World";
  if (input && typeof input === "object" && typeof input.name === "string" && input.name !== "") {
    name = input.name;
  }
  return { message: `Hello ${name}` };
});
