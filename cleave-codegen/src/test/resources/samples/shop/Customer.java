package shop;

import java.util.Optional;
import java.util.UUID;

public record Customer(UUID id, String name, Optional<String> email) {
}
