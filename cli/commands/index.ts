/**
 * The command table. Add one line per command; each module exports `summary` and `run`.
 */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {};
import * as inspectCommand from './inspect'; COMMANDS.inspect = inspectCommand;
import * as validateCommand from './validate'; COMMANDS.validate = validateCommand;
import * as schemaCommand from './schema'; COMMANDS.schema = schemaCommand;
