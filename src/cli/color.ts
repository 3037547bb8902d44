/** ANSI styling for terminal output, decided once per stream. */

export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  underline(text: string): string;
}

export interface ColorEnvironment {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** `--color` / `--no-color`; undefined when neither was given. */
  flag: boolean | undefined;
}

/**
 * Colour when asked for on the command line; otherwise when FORCE_COLOR says so, or the stream is a
 * terminal and NO_COLOR is unset (https://no-color.org).
 */
export function wantsColor({ isTTY, env, flag }: ColorEnvironment): boolean {
  if (flag !== undefined) return flag;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY;
}

function style(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity = (text: string): string => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { red: identity, yellow: identity, dim: identity, bold: identity, underline: identity };
  }
  return {
    red: style(31, 39),
    yellow: style(33, 39),
    dim: style(2, 22),
    bold: style(1, 22),
    underline: style(4, 24),
  };
}
