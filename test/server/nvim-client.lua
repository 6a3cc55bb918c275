-- Neovim 0.7 as an independent LSP client of hml-language-server (headless). vim.lsp.start() only exists from 0.8,
-- so start_client + buf_attach_client. Writes what it saw as JSON to HML_OUT; exits non-zero when something is missing.
local out = assert(vim.env.HML_OUT, 'HML_OUT')
local server = assert(vim.env.HML_SERVER, 'HML_SERVER')
local file = assert(vim.env.HML_FILE, 'HML_FILE')
local line = tonumber(vim.env.HML_LINE or '0')
local character = tonumber(vim.env.HML_CHAR or '0')
local results = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) }

local function finish(ok)
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local client_id = vim.lsp.start_client({
  name = 'hml',
  cmd = { vim.env.HML_NODE or 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      results.diagnostics = result.diagnostics
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
    end,
  },
})
if not client_id then results.error = 'start_client failed'; return finish(false) end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'hml'
vim.lsp.buf_attach_client(0, client_id)

if not vim.wait(15000, function() return results.diagnostics ~= nil end, 20) then
  results.error = 'no diagnostics within 15 s'
  return finish(false)
end

local client = vim.lsp.get_client_by_id(client_id)
results.server_name = client.name
results.completion_provider = client.server_capabilities.completionProvider ~= nil

local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = character } }
local items = {}
for _, r in pairs(vim.lsp.buf_request_sync(0, 'textDocument/completion', params, 5000) or {}) do
  local res = r.result or {}
  for _, it in ipairs(res.items or res) do table.insert(items, it.label) end
end
results.completion = items
for _, r in pairs(vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 5000) or {}) do
  results.hover = r.result and r.result.contents and r.result.contents.value
end

client.stop()
vim.wait(2000, function() return client.is_stopped() end, 50)
finish(#items > 0 and #results.diagnostics > 0)
