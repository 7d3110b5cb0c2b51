import { devAndRunImages, type LanguageTemplate } from "./language-template.ts";

/**
 * Follows fnproject/cli langs/ruby.go (RubyLangHelper). fn copies the gems directory whether or not
 * there is a Gemfile, so this does too: the aim is fn's image, not a better one.
 */
export const ruby: LanguageTemplate = {
  family: "ruby",
  versions: ["3.3"],
  bareStampVersion: "3.1",
  probes: ["Gemfile"],
  initHint: "entrypoint: ruby func.rb",
  ...devAndRunImages("fnproject/ruby"),
  buildStage: ({ files }) => (files.has("Gemfile") ? ["ADD Gemfile* /function/", "RUN bundle install"] : []),
  runStage: () => [
    "COPY --from=build-stage /usr/lib/ruby/gems/ /usr/lib/ruby/gems/",
    "COPY . /function/",
    "RUN chmod -R o+r /function",
  ],
};
