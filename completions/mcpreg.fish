# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mcpreg_global_optspecs
    string join \n r/registry= f/format= json yaml color= lock-timeout= etcd-timeout= etcd-cacert= etcd-cert= etcd-key= etcd-user= etcd-password-file= q/quiet v/verbose h/help V/version
end

function __fish_mcpreg_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mcpreg_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mcpreg_using_subcommand
    set -l cmd (__fish_mcpreg_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mcpreg -n "__fish_mcpreg_needs_command" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_needs_command" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -s V -l version -d 'Print version'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "register" -d 'Register a server, or update it: prints its id on stdout'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "run" -d 'Start an HTTP MCP server and keep it registered while it runs'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "heartbeat" -d 'Renew the leases of servers; exits 1 if an id is not registered'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "deregister" -d 'Remove servers; exits 1 if an id is not registered'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "list" -d 'List every entry, live or expired'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "show" -d 'Show one entry in full; exits 1 if it is not registered'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "find" -d 'Find servers; every given filter must hold. Exits 1 when nothing matches'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "prune" -d 'Remove entries whose lease expired, or whose probes keep failing'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "health" -d 'Lease and health state of entries, with a summary; exits 1 if any is expired or down'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "pin" -d 'Accept the tools servers offer now as their pinned set'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "watch" -d 'Print the matching servers, then one event per change as it happens'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "export" -d 'Write the config files of MCP clients, or server.json, from the entries that match'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "serve" -d 'Serve the registry to agents as an MCP server, over stdio or HTTP'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "sync" -d 'Export the matching servers into every MCP client installed for this user'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "scan" -d 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "man" -d 'Write the man pages: one for mcpreg and one per command'
complete -c mcpreg -n "__fish_mcpreg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l name -d 'Human name of the server (required unless --from is given)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l id -d 'Id to use instead of the derived one (letters, digits, \'.\', \'_\', \'-\')' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l description -d 'One line on what the server is for' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l version -d 'Server version' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l tool -d 'A tool the server offers, with an optional description (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l resource -d 'A resource URI or URI template the server offers (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l prompt -d 'A prompt the server offers (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l capability -d 'An MCP capability, such as logging or completions (repeatable; tools, resources and prompts are added when any are given)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l tag -d 'A free-form tag (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l meta -d 'Metadata as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l header -d 'HTTP header for an HTTP server, as NAME=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l auth -d 'How clients authenticate' -r -f -a "none\t''
bearer\t''
oauth2\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l health-url -d 'A plain HTTP health endpoint, kept for other tools' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l ttl -d 'Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l env -d 'Environment for a stdio server, as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l timeout -d 'Time limit of the --introspect probe, or of each page read by --from URL' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l from -d 'Register every server of a server.json (schema 2025-12-11), of an MCP client\'s config file (JSON, JSONC, TOML or YAML; see `export --to`), told apart by shape, or of a registry API v0.1 at an http(s) URL, every page of it (--tag, --meta and --ttl apply to each)' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l search -d '--from URL: only servers whose name has TEXT (the registry\'s `search`)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l updated-since -d '--from URL: only servers updated since TIME (RFC 3339, the registry\'s `updated_since`)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l url -d 'URL of an HTTP server' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l transport -d 'HTTP transport of --url [default: streamable-http; with --introspect, the one that answers]' -r -f -a "streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l introspect -d 'Speak MCP to the server before writing and fill in its tools, resources, prompts, capabilities and version (flags given by hand win); with --from, to every server of the file at once'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l keepalive -d 'Stay in the foreground: heartbeat every ttl/3, register again if pruned, deregister on SIGINT or SIGTERM (needs --ttl)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l keep-unreachable -d 'With --from and --introspect: import a server that cannot be reached without its tools, with a warning, instead of failing the whole import'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l name -d 'Human name of the server (required unless --from is given)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l id -d 'Id to use instead of the derived one (letters, digits, \'.\', \'_\', \'-\')' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l description -d 'One line on what the server is for' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l version -d 'Server version' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l tool -d 'A tool the server offers, with an optional description (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l resource -d 'A resource URI or URI template the server offers (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l prompt -d 'A prompt the server offers (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l capability -d 'An MCP capability, such as logging or completions (repeatable; tools, resources and prompts are added when any are given)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l tag -d 'A free-form tag (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l meta -d 'Metadata as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l header -d 'HTTP header for an HTTP server, as NAME=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l auth -d 'How clients authenticate' -r -f -a "none\t''
bearer\t''
oauth2\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l health-url -d 'A plain HTTP health endpoint, kept for other tools' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l ttl -d 'Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l url -d 'URL the server answers MCP at' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l transport -d 'HTTP transport of --url [default: the one that answers]' -r -f -a "streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l startup-timeout -d 'How long the server may take to answer its first probe before it is stopped' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l ttl -d 'New ttl [default: the ttl registered]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand heartbeat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand deregister" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l tool -d 'Offers this tool (repeatable: all must be offered)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l resource -d 'Offers this resource URI (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l prompt -d 'Offers this prompt (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l capability -d 'Has this capability (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l tag -d 'Carries this tag (repeatable: all must be carried)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l name -d 'Has exactly this name' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l transport -d 'Uses this transport' -r -f -a "stdio\t''
streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l meta -d 'Has this metadata, as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l status -d 'Lease status to include' -r -f -a "live\t'Entries whose lease runs, and entries without a lease'
expired\t'Entries whose lease has run out but that no prune has removed yet'
any\t'Everything'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l health -d 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]' -r -f -a "ok\t'The last probe answered, with the pinned tools'
down\t'The last probe failed'
unknown\t'Never probed'
changed\t'The last probe answered with tools that differ from the pinned ones'
any\t'Every health state'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l query -d 'Rank the matches by relevance to this text, best first; entries that hold none of its words are left out' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l limit -d 'Print at most N entries [default with --query: 10 in a table, all otherwise]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l one -d 'Print one match: the best with --query, otherwise picked at random (simple load balancing)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand find" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l grace -d 'Keep expired entries this long after their lease ran out' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l down-for -d 'Also remove entries whose probes have failed for longer than this' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l dry-run -d 'Print what would be removed, remove nothing'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l timeout -d 'Time limit of each probe' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l parallel -d 'Probes run at once at most' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l probe -d 'Probe each server over MCP and record the result'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l refresh -d 'Also write what each server reports (tools, resources, prompts, capabilities, version) into its entry, where the entry\'s field was learned from the server or is empty; fields given by hand stay'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l tool -d 'Offers this tool (repeatable: all must be offered)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l resource -d 'Offers this resource URI (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l prompt -d 'Offers this prompt (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l capability -d 'Has this capability (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l tag -d 'Carries this tag (repeatable: all must be carried)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l name -d 'Has exactly this name' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l transport -d 'Uses this transport' -r -f -a "stdio\t''
streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l meta -d 'Has this metadata, as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l status -d 'Lease status to include' -r -f -a "live\t'Entries whose lease runs, and entries without a lease'
expired\t'Entries whose lease has run out but that no prune has removed yet'
any\t'Everything'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l health -d 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]' -r -f -a "ok\t'The last probe answered, with the pinned tools'
down\t'The last probe failed'
unknown\t'Never probed'
changed\t'The last probe answered with tools that differ from the pinned ones'
any\t'Every health state'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l exec -d 'Run this command (no shell: write `sh -c \'...\'` for one) once at start and after each batch of changes, never two at once; takes the rest of the line' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l debounce -d 'How long changes are gathered into one batch before --exec runs' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l to -d 'Format to write' -r -f -a "claude-desktop\t'claude_desktop_config.json: {"mcpServers": {NAME: {command, args, env}}}; stdio only'
claude-code\t'.mcp.json, ~/.claude.json: {"mcpServers": {NAME: {type: stdio|http|sse, ...}}}'
vscode\t'.vscode/mcp.json (JSONC): {"servers": {NAME: {type: stdio|http|sse, ...}}}'
cursor\t'.cursor/mcp.json: {"mcpServers": {NAME: {command, args, env} | {url, headers}}}'
windsurf\t'~/.codeium/windsurf/mcp_config.json: {"mcpServers": {NAME: {command, ...} | {serverUrl, headers}}}'
cline\t'cline_mcp_settings.json: {"mcpServers": {NAME: {command, ...} | {type: streamableHttp|sse, url}}}'
roo-code\t'Roo Code\'s mcp_settings.json, .roo/mcp.json: {"mcpServers": {NAME: {type: stdio|streamable-http|sse, ...}}}'
continue\t'~/.continue/config.yaml: mcpServers: [{name, type, command | url, ...}]'
zed\t'Zed\'s settings.json (JSONC): {"context_servers": {NAME: {command, args, env} | {url, headers}}}'
gemini-cli\t'~/.gemini/settings.json: {"mcpServers": {NAME: {command, ...} | {httpUrl} | {url (SSE)}}}'
codex\t'~/.codex/config.toml: [mcp_servers.NAME] command, args, env | url, http_headers; no SSE'
goose\t'~/.config/goose/config.yaml: extensions: {NAME: {type: stdio, cmd, args, envs} | {type, uri}}'
opencode\t'opencode.json (JSONC): {"mcp": {NAME: {type: local, command: [ARGV]} | {type: remote, url}}}'
lm-studio\t'~/.lmstudio/mcp.json: {"mcpServers": {NAME: {command, args, env} | {url, headers}}}'
copilot-cli\t'~/.copilot/mcp-config.json: {"mcpServers": {NAME: {type: local|http|sse, ..., tools}}}'
server-json\t'The official MCP Registry\'s server.json (schema 2025-12-11); an array when several match'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l tool -d 'Offers this tool (repeatable: all must be offered)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l resource -d 'Offers this resource URI (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l prompt -d 'Offers this prompt (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l capability -d 'Has this capability (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l tag -d 'Carries this tag (repeatable: all must be carried)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l name -d 'Has exactly this name' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l transport -d 'Uses this transport' -r -f -a "stdio\t''
streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l meta -d 'Has this metadata, as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l status -d 'Lease status to include' -r -f -a "live\t'Entries whose lease runs, and entries without a lease'
expired\t'Entries whose lease has run out but that no prune has removed yet'
any\t'Everything'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l health -d 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]' -r -f -a "ok\t'The last probe answered, with the pinned tools'
down\t'The last probe failed'
unknown\t'Never probed'
changed\t'The last probe answered with tools that differ from the pinned ones'
any\t'Every health state'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s o -l output -d 'Write into this file (merging into a client config) instead of stdout' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l namespace -d 'server-json: namespace of names that are not reverse-DNS already (NS/NAME)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l http -d 'Serve Streamable HTTP at http://ADDR/mcp instead of stdio; ADDR is IP:PORT (port 0 picks a free one). Anything but a loopback address needs --token or --no-auth' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l token -d 'Require `Authorization: Bearer TOKEN` on every request, TOKEN being the contents of FILE (a regular file; surrounding whitespace is ignored)' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l allow-host -d 'A host name clients use to reach the server, accepted in `Host` and `Origin` besides localhost and IP addresses (repeatable; guards against DNS rebinding)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l max-connections -d 'Most HTTP connections served at once; more are answered 503' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l client-timeout -d 'How long a client may take to send its request, or stall reading the answer, before its connection is closed' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l show-secrets -d 'Answer with the values of `env` and `headers` (tokens, keys) instead of "<redacted>"'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l no-auth -d 'Serve a non-loopback address without a token (anyone who can reach it can read the registry)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l tool -d 'Offers this tool (repeatable: all must be offered)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l resource -d 'Offers this resource URI (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l prompt -d 'Offers this prompt (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l capability -d 'Has this capability (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l tag -d 'Carries this tag (repeatable: all must be carried)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l name -d 'Has exactly this name' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l transport -d 'Uses this transport' -r -f -a "stdio\t''
streamable-http\t''
sse\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l meta -d 'Has this metadata, as KEY=VALUE (repeatable)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l status -d 'Lease status to include' -r -f -a "live\t'Entries whose lease runs, and entries without a lease'
expired\t'Entries whose lease has run out but that no prune has removed yet'
any\t'Everything'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l health -d 'Health to include (repeatable) [default: ok and unknown: what is known to be down, or to offer other tools than were pinned, is left out]' -r -f -a "ok\t'The last probe answered, with the pinned tools'
down\t'The last probe failed'
unknown\t'Never probed'
changed\t'The last probe answered with tools that differ from the pinned ones'
any\t'Every health state'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l clients -d 'Only these clients (comma-separated names of `export --to`)' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l dry-run -d 'Print a unified diff of each file that would change; write nothing'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s p -l ports -d 'Ports to try: 8080, 8080-8090, 3000,8080-8082' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l timeout -d 'Time a TCP connect may take before the port counts as filtered' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l probe-timeout -d 'Time limit of each MCP probe in the identification phase' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l concurrency -d 'TCP connects in flight at most [default: the open-file limit, raised to its hard limit, minus a margin]; MCP probes run at most 64 at once' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l ttl -d 'Lease of the servers --register writes [default: none, they never expire]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l no-identify -d 'List open ports only: skip the MCP probe'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l all -d 'Also list open ports that are not MCP servers, with the reason'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l register -d 'Register every MCP server found, with the tools, resources and prompts it offers (fields of an entry already registered by hand are kept)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l allow-large -d 'Allow blocks of more than 65536 probes (addresses x ports)'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l allow-public -d 'Allow addresses outside loopback, private (RFC 1918), link-local and ULA ranges'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l dry-run -d 'Print how many connects the scan would make, and send nothing'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l out-dir -d 'Folder to write the pages into [default: print mcpreg(1) on stdout]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -s r -l registry -d 'Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned columns for people'
json\t'Full entries as JSON'
yaml\t'Full entries as YAML'
ids\t'One id per line, for shell loops'"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l color -d 'When to colour tables (NO_COLOR in the environment means never)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l lock-timeout -d 'How long a writer waits for the registry lock before giving up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-timeout -d 'How long one request to etcd may take before mcpreg tries the next endpoint or gives up' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-cacert -d 'CA certificate (PEM) that signed the etcd servers\' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-cert -d 'Client certificate (PEM) for etcd\'s --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-key -d 'Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-user -d 'etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file' -r
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l etcd-password-file -d 'File holding the etcd user\'s password (one line), instead of MCPREG_ETCD_PASSWORD' -r -F
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l json -d 'Shorthand for --format json'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -l yaml -d 'Shorthand for --format yaml'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -s q -l quiet -d 'Print nothing but data and errors'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -s v -l verbose -d 'Say what is being done, on stderr'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "register" -d 'Register a server, or update it: prints its id on stdout'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "run" -d 'Start an HTTP MCP server and keep it registered while it runs'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "heartbeat" -d 'Renew the leases of servers; exits 1 if an id is not registered'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "deregister" -d 'Remove servers; exits 1 if an id is not registered'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "list" -d 'List every entry, live or expired'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "show" -d 'Show one entry in full; exits 1 if it is not registered'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "find" -d 'Find servers; every given filter must hold. Exits 1 when nothing matches'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "prune" -d 'Remove entries whose lease expired, or whose probes keep failing'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "health" -d 'Lease and health state of entries, with a summary; exits 1 if any is expired or down'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "pin" -d 'Accept the tools servers offer now as their pinned set'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "watch" -d 'Print the matching servers, then one event per change as it happens'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "export" -d 'Write the config files of MCP clients, or server.json, from the entries that match'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "serve" -d 'Serve the registry to agents as an MCP server, over stdio or HTTP'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "sync" -d 'Export the matching servers into every MCP client installed for this user'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "scan" -d 'Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "man" -d 'Write the man pages: one for mcpreg and one per command'
complete -c mcpreg -n "__fish_mcpreg_using_subcommand help; and not __fish_seen_subcommand_from register run heartbeat deregister list show find prune health pin watch export serve sync scan completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
