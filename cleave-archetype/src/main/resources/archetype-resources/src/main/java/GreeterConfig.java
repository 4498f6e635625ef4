package ${package};

/** [Greeter] in cleave.toml. */
public record GreeterConfig(String greeting) {
}
