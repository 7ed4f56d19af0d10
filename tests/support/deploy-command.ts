/** `synapse plugin run <action> --path <dir> --params <json>`: how the tests deploy a plugin. */
export function deployCommand(
  pluginDir: string,
  params: Record<string, unknown>,
  action = 'deployment',
): string[] {
  return ['plugin', 'run', action, '--path', pluginDir, '--params', JSON.stringify(params)];
}
