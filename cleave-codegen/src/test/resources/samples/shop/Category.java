package shop;

import java.util.List;

/** Recursive: a tree of categories. */
public record Category(String name, List<Category> children) {
}
