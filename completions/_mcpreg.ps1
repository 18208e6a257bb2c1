
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mcpreg' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mcpreg'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mcpreg' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register a server, or update it: prints its id on stdout')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start an HTTP MCP server and keep it registered while it runs')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Renew the leases of servers; exits 1 if an id is not registered')
            [CompletionResult]::new('deregister', 'deregister', [CompletionResultType]::ParameterValue, 'Remove servers; exits 1 if an id is not registered')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every entry, live or expired')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entry in full; exits 1 if it is not registered')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find servers; every given filter must hold. Exits 1 when nothing matches')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove entries whose lease expired, or whose probes keep failing')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Lease and health state of entries, with a summary; exits 1 if any is expired or down')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Accept the tools servers offer now as their pinned set')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print the matching servers, then one event per change as it happens')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the config files of MCP clients, or server.json, from the entries that match')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the registry to agents as an MCP server, over stdio or HTTP')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Export the matching servers into every MCP client installed for this user')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages: one for mcpreg and one per command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcpreg;register' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Human name of the server (required unless --from is given)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Id to use instead of the derived one (letters, digits, ''.'', ''_'', ''-'')')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'One line on what the server is for')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Server version')
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'A tool the server offers, with an optional description (repeatable)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A resource URI or URI template the server offers (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'A prompt the server offers (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'An MCP capability, such as logging or completions (repeatable; tools, resources and prompts are added when any are given)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A free-form tag (repeatable)')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Metadata as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'HTTP header for an HTTP server, as NAME=VALUE (repeatable)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How clients authenticate')
            [CompletionResult]::new('--health-url', '--health-url', [CompletionResultType]::ParameterName, 'A plain HTTP health endpoint, kept for other tools')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment for a stdio server, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit of the --introspect probe, or of each page read by --from URL')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Register every server of a server.json (schema 2025-12-11), of an MCP client''s config file (JSON, JSONC, TOML or YAML; see `export --to`), told apart by shape, or of a registry API v0.1 at an http(s) URL, every page of it (--tag, --meta and --ttl apply to each)')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, '--from URL: only servers whose name has TEXT (the registry''s `search`)')
            [CompletionResult]::new('--updated-since', '--updated-since', [CompletionResultType]::ParameterName, '--from URL: only servers updated since TIME (RFC 3339, the registry''s `updated_since`)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'URL of an HTTP server')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'HTTP transport of --url [default: streamable-http; with --introspect, the one that answers]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--introspect', '--introspect', [CompletionResultType]::ParameterName, 'Speak MCP to the server before writing and fill in its tools, resources, prompts, capabilities and version (flags given by hand win); with --from, to every server of the file at once')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Stay in the foreground: heartbeat every ttl/3, register again if pruned, deregister on SIGINT or SIGTERM (needs --ttl)')
            [CompletionResult]::new('--keep-unreachable', '--keep-unreachable', [CompletionResultType]::ParameterName, 'With --from and --introspect: import a server that cannot be reached without its tools, with a warning, instead of failing the whole import')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;run' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Human name of the server (required unless --from is given)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Id to use instead of the derived one (letters, digits, ''.'', ''_'', ''-'')')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'One line on what the server is for')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Server version')
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'A tool the server offers, with an optional description (repeatable)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A resource URI or URI template the server offers (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'A prompt the server offers (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'An MCP capability, such as logging or completions (repeatable; tools, resources and prompts are added when any are given)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A free-form tag (repeatable)')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Metadata as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'HTTP header for an HTTP server, as NAME=VALUE (repeatable)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How clients authenticate')
            [CompletionResult]::new('--health-url', '--health-url', [CompletionResultType]::ParameterName, 'A plain HTTP health endpoint, kept for other tools')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'URL the server answers MCP at')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'HTTP transport of --url [default: the one that answers]')
            [CompletionResult]::new('--startup-timeout', '--startup-timeout', [CompletionResultType]::ParameterName, 'How long the server may take to answer its first probe before it is stopped')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;heartbeat' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'New ttl [default: the ttl registered]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;deregister' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;list' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;show' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;find' {
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'Offers this tool (repeatable: all must be offered)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Offers this resource URI (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Offers this prompt (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Has this capability (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Carries this tag (repeatable: all must be carried)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Has exactly this name')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Uses this transport')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Has this metadata, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Lease status to include')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Rank the matches by relevance to this text, best first; entries that hold none of its words are left out')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Print at most N entries [default with --query: 10 in a table, all otherwise]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--one', '--one', [CompletionResultType]::ParameterName, 'Print one match: the best with --query, otherwise picked at random (simple load balancing)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;prune' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Keep expired entries this long after their lease ran out')
            [CompletionResult]::new('--down-for', '--down-for', [CompletionResultType]::ParameterName, 'Also remove entries whose probes have failed for longer than this')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be removed, remove nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;health' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit of each probe')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Probes run at once at most')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Probe each server over MCP and record the result')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Also write what each server reports (tools, resources, prompts, capabilities, version) into its entry, where the entry''s field was learned from the server or is empty; fields given by hand stay')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;pin' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;watch' {
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'Offers this tool (repeatable: all must be offered)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Offers this resource URI (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Offers this prompt (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Has this capability (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Carries this tag (repeatable: all must be carried)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Has exactly this name')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Uses this transport')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Has this metadata, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Lease status to include')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run this command (no shell: write `sh -c ''...''` for one) once at start and after each batch of changes, never two at once; takes the rest of the line')
            [CompletionResult]::new('--debounce', '--debounce', [CompletionResultType]::ParameterName, 'How long changes are gathered into one batch before --exec runs')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;export' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Format to write')
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'Offers this tool (repeatable: all must be offered)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Offers this resource URI (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Offers this prompt (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Has this capability (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Carries this tag (repeatable: all must be carried)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Has exactly this name')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Uses this transport')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Has this metadata, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Lease status to include')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write into this file (merging into a client config) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write into this file (merging into a client config) instead of stdout')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'server-json: namespace of names that are not reverse-DNS already (NS/NAME)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;serve' {
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve Streamable HTTP at http://ADDR/mcp instead of stdio; ADDR is IP:PORT (port 0 picks a free one). Anything but a loopback address needs --token or --no-auth')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require `Authorization: Bearer TOKEN` on every request, TOKEN being the contents of FILE (a regular file; surrounding whitespace is ignored)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'A host name clients use to reach the server, accepted in `Host` and `Origin` besides localhost and IP addresses (repeatable; guards against DNS rebinding)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most HTTP connections served at once; more are answered 503')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'How long a client may take to send its request, or stall reading the answer, before its connection is closed')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Answer with the values of `env` and `headers` (tokens, keys) instead of "<redacted>"')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Serve a non-loopback address without a token (anyone who can reach it can read the registry)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;sync' {
            [CompletionResult]::new('--tool', '--tool', [CompletionResultType]::ParameterName, 'Offers this tool (repeatable: all must be offered)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Offers this resource URI (repeatable)')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Offers this prompt (repeatable)')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Has this capability (repeatable)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Carries this tag (repeatable: all must be carried)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Has exactly this name')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'Uses this transport')
            [CompletionResult]::new('--meta', '--meta', [CompletionResultType]::ParameterName, 'Has this metadata, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Lease status to include')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Only these clients (comma-separated names of `export --to`)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print a unified diff of each file that would change; write nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;scan' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Ports to try: 8080, 8080-8090, 3000,8080-8082')
            [CompletionResult]::new('--ports', '--ports', [CompletionResultType]::ParameterName, 'Ports to try: 8080, 8080-8090, 3000,8080-8082')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time a TCP connect may take before the port counts as filtered')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Time limit of each MCP probe in the identification phase')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'TCP connects in flight at most [default: the open-file limit, raised to its hard limit, minus a margin]; MCP probes run at most 64 at once')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lease of the servers --register writes [default: none, they never expire]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--no-identify', '--no-identify', [CompletionResultType]::ParameterName, 'List open ports only: skip the MCP probe')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list open ports that are not MCP servers, with the reason')
            [CompletionResult]::new('--register', '--register', [CompletionResultType]::ParameterName, 'Register every MCP server found, with the tools, resources and prompts it offers (fields of an entry already registered by hand are kept)')
            [CompletionResult]::new('--allow-large', '--allow-large', [CompletionResultType]::ParameterName, 'Allow blocks of more than 65536 probes (addresses x ports)')
            [CompletionResult]::new('--allow-public', '--allow-public', [CompletionResultType]::ParameterName, 'Allow addresses outside loopback, private (RFC 1918), link-local and ULA ranges')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print how many connects the scan would make, and send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;completions' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Folder to write the pages into [default: print mcpreg(1) on stdout]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables (NO_COLOR in the environment means never)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long a writer waits for the registry lock before giving up')
            [CompletionResult]::new('--etcd-timeout', '--etcd-timeout', [CompletionResultType]::ParameterName, 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd servers'' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for etcd''s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]')
            [CompletionResult]::new('--etcd-user', '--etcd-user', [CompletionResultType]::ParameterName, 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file')
            [CompletionResult]::new('--etcd-password-file', '--etcd-password-file', [CompletionResultType]::ParameterName, 'File holding the etcd user''s password (one line), instead of MCPREG_ETCD_PASSWORD')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Shorthand for --format json')
            [CompletionResult]::new('--yaml', '--yaml', [CompletionResultType]::ParameterName, 'Shorthand for --format yaml')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what is being done, on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mcpreg;help' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register a server, or update it: prints its id on stdout')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start an HTTP MCP server and keep it registered while it runs')
            [CompletionResult]::new('heartbeat', 'heartbeat', [CompletionResultType]::ParameterValue, 'Renew the leases of servers; exits 1 if an id is not registered')
            [CompletionResult]::new('deregister', 'deregister', [CompletionResultType]::ParameterValue, 'Remove servers; exits 1 if an id is not registered')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every entry, live or expired')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entry in full; exits 1 if it is not registered')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find servers; every given filter must hold. Exits 1 when nothing matches')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove entries whose lease expired, or whose probes keep failing')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Lease and health state of entries, with a summary; exits 1 if any is expired or down')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Accept the tools servers offer now as their pinned set')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print the matching servers, then one event per change as it happens')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the config files of MCP clients, or server.json, from the entries that match')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the registry to agents as an MCP server, over stdio or HTTP')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Export the matching servers into every MCP client installed for this user')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages: one for mcpreg and one per command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mcpreg;help;register' {
            break
        }
        'mcpreg;help;run' {
            break
        }
        'mcpreg;help;heartbeat' {
            break
        }
        'mcpreg;help;deregister' {
            break
        }
        'mcpreg;help;list' {
            break
        }
        'mcpreg;help;show' {
            break
        }
        'mcpreg;help;find' {
            break
        }
        'mcpreg;help;prune' {
            break
        }
        'mcpreg;help;health' {
            break
        }
        'mcpreg;help;pin' {
            break
        }
        'mcpreg;help;watch' {
            break
        }
        'mcpreg;help;export' {
            break
        }
        'mcpreg;help;serve' {
            break
        }
        'mcpreg;help;sync' {
            break
        }
        'mcpreg;help;scan' {
            break
        }
        'mcpreg;help;completions' {
            break
        }
        'mcpreg;help;man' {
            break
        }
        'mcpreg;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
