package shop;

public record CartConfig(int maxItems, String currency) {
}
