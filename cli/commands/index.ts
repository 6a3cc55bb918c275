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
import * as runCommand from './run'; COMMANDS.run = runCommand;
import * as statusCommand from './status'; COMMANDS.status = statusCommand;
import * as cleanCommand from './clean'; COMMANDS.clean = cleanCommand;
import * as exportCommand from './export'; COMMANDS.export = exportCommand;
import * as checkBundleCommand from './check-bundle'; COMMANDS['check-bundle'] = checkBundleCommand;
import * as datasetCommand from './dataset'; COMMANDS.dataset = datasetCommand;
import * as jetsCommand from './jets'; COMMANDS.jets = jetsCommand;
import * as eventsCommand from './events'; COMMANDS.events = eventsCommand;
