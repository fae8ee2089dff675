use serde_json::json;

use super::*;

fn data() -> Value {
    json!({
        "Spec": {
            "MTU": 1340,
            "Endpoint": {
                "Port": 51840,
                "Ports": [],
                "ServiceType": "LoadBalancer",
                "NodePort": null,
                "NodePorts": [],
                "LoadBalancerIP": "172.18.0.9",
                "Addresses": ["10.0.0.1", "example.org"],
            },
            "SecretRef": {"Name": ""},
            "ServiceLabels": {"team": "net"},
        },
        "Name": "peer-one",
        "Namespace": "liqo-tenant-peer-one",
        "GatewayUID": "0f5e",
        "ClusterID": "peer-one",
        "SecretName": "",
    })
}

fn r(src: &str) -> String {
    render_str(src, &data()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn fails(src: &str) -> TemplateError {
    render_str(src, &data()).expect_err(src)
}

#[test]
fn fields_indexes_and_printing_follow_go() {
    assert_eq!(r("--mtu={{ .Spec.MTU }}"), "--mtu=1340");
    assert_eq!(
        r("{{.Name}}/{{ .Namespace }}"),
        "peer-one/liqo-tenant-peer-one"
    );
    assert_eq!(r("{{ index .Spec.Endpoint.Addresses 0 }}"), "10.0.0.1");
    assert_eq!(r("{{ index .Spec.ServiceLabels \"team\" }}"), "net");
    assert_eq!(
        r("{{ .Spec.Endpoint.Addresses }}"),
        "[10.0.0.1 example.org]"
    );
    assert_eq!(r("{{ .Spec.ServiceLabels }}"), "map[team:net]");
    assert_eq!(r("{{ .Spec.Endpoint.NodePort }}"), "<nil>");
    assert_eq!(r("{{ .Spec.Nope }}"), "<no value>");
    assert!(r("{{ .Spec.Endpoint }}").starts_with("map["));
    assert_eq!(r("{{ $.Name }} {{ . | len }}"), "peer-one 6");
    assert_eq!(r("{{ (index .Spec.Endpoint.Addresses 1) }}"), "example.org");
}

#[test]
fn conditionals_treat_nil_zero_and_empty_as_false() {
    assert_eq!(
        r("{{if .Spec.Endpoint.NodePort}}set{{else}}unset{{end}}"),
        "unset"
    );
    assert_eq!(
        r("{{if .Spec.Endpoint.LoadBalancerIP}}{{.Spec.Endpoint.LoadBalancerIP}}{{end}}"),
        "172.18.0.9"
    );
    assert_eq!(
        r("{{if .SecretName}}a{{else if .Spec.MTU}}b{{else}}c{{end}}"),
        "b"
    );
    assert_eq!(r("{{if not .Spec.Endpoint.Ports}}none{{end}}"), "none");
    assert_eq!(r("{{with .Spec.Endpoint}}{{.Port}}{{end}}"), "51840");
    assert_eq!(r("{{with .SecretName}}x{{else}}empty{{end}}"), "empty");
}

#[test]
fn range_binds_dot_and_variables_and_has_an_else() {
    assert_eq!(
        r("{{range $i, $a := .Spec.Endpoint.Addresses}}{{if $i}},{{end}}{{$a}}{{end}}"),
        "10.0.0.1,example.org"
    );
    assert_eq!(
        r("{{range .Spec.Endpoint.Addresses}}[{{.}}]{{end}}"),
        "[10.0.0.1][example.org]"
    );
    assert_eq!(
        r("{{range .Spec.Endpoint.Ports}}x{{else}}{{.Spec.Endpoint.Port}}{{end}}"),
        "51840"
    );
    assert_eq!(
        r("{{range $k, $v := .Spec.ServiceLabels}}{{$k}}={{$v}}{{end}}"),
        "team=net"
    );
    assert_eq!(r("{{ $p := .Spec.MTU }}{{ $p }}"), "1340");
}

#[test]
fn comparisons_logic_and_printing_builtins() {
    assert_eq!(
        r("{{ eq .Spec.Endpoint.ServiceType \"LoadBalancer\" }}"),
        "true"
    );
    assert_eq!(r("{{ eq .Spec.MTU 1 2 1340 }}"), "true");
    assert_eq!(
        r("{{ ne .Name \"x\" }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 1 2 }} {{ ge 3 2 }}"),
        "true true true false true"
    );
    assert_eq!(r("{{ gt (len .Spec.Endpoint.Addresses) 1 }}"), "true");
    // and/or return an operand and stop early: no index error on the empty list.
    assert_eq!(
        r("{{ and .Spec.Endpoint.Ports (index .Spec.Endpoint.Ports 0) }}"),
        "[]"
    );
    assert_eq!(r("{{ or .SecretName \"default\" }}"), "default");
    assert_eq!(r("{{ print \"a\" 1 2 \"b\" }}"), "a1 2b");
    assert_eq!(
        r("{{ printf \"%s:%d/%v %05d|%-4s|\" .Name .Spec.MTU true 42 \"x\" }}"),
        "peer-one:1340/true 00042|x   |"
    );
    assert_eq!(r("{{ printf \"%q\" .Name }}"), "\"peer-one\"");
    assert_eq!(r("{{ println 1 2 }}"), "1 2\n");
    assert_eq!(r("{{ .Spec.Endpoint.Port | printf \"%d\" }}"), "51840");
}

#[test]
fn trim_markers_comments_and_literals() {
    assert_eq!(r("a  {{- .Name -}}  b"), "apeer-oneb");
    assert_eq!(r("a {{/* note */}}b"), "a b");
    assert_eq!(r("a {{- /* note */ -}} b"), "ab");
    assert_eq!(r("{{ `raw\\n` }}{{ \"q\\\"t\" }}"), "raw\\nq\"t");
    assert_eq!(
        r("{{ -3 }} {{ 1.5 }} {{ 0x10 }} {{ true }} {{ nil }}"),
        "-3 1.5 16 true <nil>"
    );
    assert_eq!(r("{{ 1e21 }}"), "1e+21");
    assert_eq!(r("no actions"), "no actions");
}

#[test]
fn errors_are_reported_not_panicked() {
    assert!(matches!(fails("{{ .Name "), TemplateError::Parse(_)));
    assert!(matches!(fails("{{if .Name}}x"), TemplateError::Parse(_)));
    assert!(matches!(fails("{{end}}"), TemplateError::Parse(_)));
    assert!(matches!(
        fails("{{ template \"x\" }}"),
        TemplateError::Parse(_)
    ));
    assert!(matches!(fails("{{ nope 1 }}"), TemplateError::Exec(_)));
    assert!(matches!(
        fails("{{ index .Spec.Endpoint.Ports 0 }}"),
        TemplateError::Exec(_)
    ));
    assert!(matches!(
        fails("{{ .Spec.Endpoint.NodePort.X }}"),
        TemplateError::Exec(_)
    ));
    assert!(matches!(fails("{{ .Name.X }}"), TemplateError::Exec(_)));
    assert!(matches!(fails("{{ eq .Name 1 }}"), TemplateError::Exec(_)));
    assert!(matches!(fails("{{ $undefined }}"), TemplateError::Exec(_)));
    assert!(matches!(fails("{{ .Name 1 }}"), TemplateError::Exec(_)));
}

#[test]
fn tree_coerces_integers_outside_string_mode() {
    let tree = json!({
        "port": "{{ .Spec.Endpoint.Port }}",
        "mtu": "--mtu={{ .Spec.MTU }}",
        "replicas": 1,
        "negative": "-{{ .Spec.MTU }}",
        "list": ["{{ .Spec.MTU }}", "x{{ .Spec.MTU }}"],
    });
    let out = render_tree(&tree, &data(), false).unwrap();
    assert_eq!(
        out,
        json!({"port": 51840, "mtu": "--mtu=1340", "replicas": 1, "negative": -1340, "list": [1340, "x1340"]})
    );
    let forced = render_tree(&tree, &data(), true).unwrap();
    assert_eq!(forced["port"], "51840");
    assert_eq!(forced["replicas"], "1");
}

#[test]
fn labels_and_annotations_force_string_mode_on_their_parent_map() {
    let tree = json!({
        "metadata": {"labels": {"port": "{{ .Spec.Endpoint.Port }}"}, "name": "{{ .Spec.MTU }}"},
        "spec": {"port": "{{ .Spec.Endpoint.Port }}"},
    });
    let out = render_tree(&tree, &data(), false).unwrap();
    assert_eq!(out["metadata"]["labels"]["port"], "51840");
    assert_eq!(
        out["metadata"]["name"], "1340",
        "a sibling of labels is forced too"
    );
    assert_eq!(out["spec"]["port"], 51840);
}

#[test]
fn optional_keys_are_dropped_when_empty_and_kept_when_set() {
    let tree = json!({
        "?nodePort": "{{ .Spec.Endpoint.NodePort }}",
        "?loadBalancerIP": "{{ .Spec.Endpoint.LoadBalancerIP }}",
        "?secret": "{{.SecretName}}",
        "?zero": "{{ .Spec.Endpoint.Ports | len }}",
        "?complex": "{{ index .Spec.Endpoint.Addresses 0 }}",
    });
    let out = render_tree(&tree, &data(), false).unwrap();
    assert_eq!(
        out,
        json!({"loadBalancerIP": "172.18.0.9", "?zero": 0, "?complex": "10.0.0.1"}),
        "nil and empty values vanish; a value whose first action is not a lone operand keeps \
         its ? key, as upstream's regex does"
    );
    let mut with_port = data();
    with_port["Spec"]["Endpoint"]["NodePort"] = json!(30517);
    let out = render_tree(
        &json!({"?nodePort": "{{ .Spec.Endpoint.NodePort }}"}),
        &with_port,
        false,
    )
    .unwrap();
    assert_eq!(out, json!({"nodePort": 30517}));
}

#[test]
fn first_variable_matches_upstreams_regex() {
    assert_eq!(first_variable("{{ .A.B }}").as_deref(), Some(".A.B"));
    assert_eq!(first_variable("x{{.A}}y").as_deref(), Some(".A"));
    assert_eq!(first_variable("{{ index .A 0 }}"), None);
    assert_eq!(first_variable("{{.}}"), None);
    assert_eq!(first_variable("plain"), None);
    assert_eq!(
        first_variable("{{ index .A 0 }}{{ .B }}").as_deref(),
        Some(".B")
    );
}
