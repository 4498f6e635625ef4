package io.cleave.shop.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The shop's starting assortment: 1,000 products in 10 categories with their initial stock,
 * generated from a fixed seed, so every fresh start (and every benchmark run) sees the same
 * shop. {@code Catalog} seeds its products from it and {@code Inventory} its stock; neither
 * reads the other's tables.
 */
public final class DemoCatalog {

    /** The number of products. */
    public static final int SIZE = 1_000;

    private static final long SEED = 42L;

    private static final List<DemoCategory> CATEGORIES = List.of(
            new DemoCategory("kitchen", "made for everyday cooking", "Kitchen", "🍳", List.of("Chef's Knife", "Frying Pan", "Cutting Board", "Kettle",
                    "Coffee Grinder", "Mixing Bowl", "Teapot", "Colander", "Spatula", "Dutch Oven"), 24),
            new DemoCategory("home", "to make a home feel finished", "Home", "🛋️", List.of("Throw Blanket", "Cushion", "Table Lamp", "Wall Clock", "Vase",
                    "Candle", "Picture Frame", "Rug", "Mirror", "Bookshelf"), 35),
            new DemoCategory("garden", "for the garden and the balcony", "Garden", "🌱", List.of("Watering Can", "Trowel", "Planter", "Pruning Shears",
                    "Bird Feeder", "Hose Reel", "Garden Gloves", "Seed Tray", "Wheelbarrow", "Compost Bin"), 20),
            new DemoCategory("outdoor", "ready for weekends outdoors", "Outdoor", "⛺", List.of("Tent", "Sleeping Bag", "Backpack", "Headlamp",
                    "Camping Stove", "Water Bottle", "Hammock", "Trekking Poles", "Cooler", "Folding Chair"), 45),
            new DemoCategory("office", "for a tidy, focused desk", "Office", "📎", List.of("Notebook", "Desk Organizer", "Fountain Pen", "Desk Lamp",
                    "Monitor Stand", "Stapler", "Letter Tray", "Whiteboard", "Desk Mat", "Bookends"), 18),
            new DemoCategory("audio", "for music at home and on the move", "Audio", "🎧", List.of("Headphones", "Speaker", "Earbuds", "Turntable", "Microphone",
                    "Radio", "Soundbar", "Amplifier", "Headphone Stand", "Cable Set"), 60),
            new DemoCategory("toys", "for hours of play", "Toys", "🧸", List.of("Puzzle", "Building Blocks", "Kite", "Plush Bear", "Board Game",
                    "Yo-Yo", "Train Set", "Spinning Top", "Marble Run", "Doll House"), 22),
            new DemoCategory("sports", "for training and play", "Sports", "🏀", List.of("Basketball", "Yoga Mat", "Jump Rope", "Dumbbell Set",
                    "Tennis Racket", "Football", "Resistance Bands", "Foam Roller", "Swim Goggles", "Cycling Gloves"), 28),
            new DemoCategory("books", "for curious readers", "Books", "📚", List.of("Cookbook", "Field Guide", "Atlas", "Novel", "Poetry Collection",
                    "Sketchbook", "Journal", "Travel Guide", "Comic Anthology", "Dictionary"), 15),
            new DemoCategory("pets", "for happy pets", "Pets", "🐾", List.of("Dog Bed", "Cat Tree", "Leash", "Food Bowl", "Chew Toy",
                    "Scratching Post", "Pet Carrier", "Grooming Brush", "Aquarium", "Bird Cage"), 26));

    private static final List<String> STYLES = List.of("Classic", "Compact", "Sturdy", "Elegant", "Rustic", "Modern",
            "Handmade", "Lightweight", "Deluxe", "Everyday", "Vintage", "Eco", "Premium", "Travel", "Cozy", "Minimal");

    private static final List<String> MATERIALS = List.of("Oak", "Walnut", "Bamboo", "Steel", "Copper", "Linen", "Wool",
            "Ceramic", "Glass", "Slate", "Olive", "Navy", "Crimson", "Ivory", "Charcoal", "Sage");

    private static final List<String> PRAISE = List.of("Built to last", "Designed in small batches", "A customer favourite",
            "Made from responsibly sourced materials", "Tested by our own staff", "Easy to care for",
            "Backed by a two-year guarantee", "Ships in recyclable packaging");

    private static final List<DemoProduct> PRODUCTS = generate();

    private DemoCatalog() {
    }

    /**
     * The categories, in display order.
     *
     * @return ten categories
     */
    public static List<DemoCategory> categories() {
        return CATEGORIES;
    }

    /**
     * The products, ordered by id ({@code SKU-00001} to {@code SKU-01000}).
     *
     * @return {@link #SIZE} products, the same on every call and in every JVM
     */
    public static List<DemoProduct> products() {
        return PRODUCTS;
    }

    private static List<DemoProduct> generate() {
        Random random = new Random(SEED);
        Set<String> names = new HashSet<>();
        List<DemoProduct> products = new ArrayList<>(SIZE);
        for (int i = 1; i <= SIZE; i++) {
            DemoCategory category = CATEGORIES.get((i - 1) % CATEGORIES.size());
            String noun;
            String name;
            String style;
            String material;
            do {
                noun = category.nouns().get(random.nextInt(category.nouns().size()));
                style = STYLES.get(random.nextInt(STYLES.size()));
                material = MATERIALS.get(random.nextInt(MATERIALS.size()));
                name = style + " " + material + " " + noun;
            } while (!names.add(name));
            double factor = 0.5 + random.nextDouble() * 1.5;
            long whole = Math.max(3, Math.round(category.basePrice() * factor));
            BigDecimal price = BigDecimal.valueOf(whole * 100 - 1, 2);
            String description = "A " + style.toLowerCase(Locale.ROOT) + " " + noun.toLowerCase(Locale.ROOT) + " in "
                    + material.toLowerCase(Locale.ROOT) + ", " + category.purpose() + ". " + PRAISE.get(random.nextInt(PRAISE.size())) + ".";
            int stock = random.nextInt(100) < 8 ? 0 : 1 + random.nextInt(40);
            products.add(new DemoProduct(String.format("SKU-%05d", i), name, description, category.id(), price, stock));
        }
        return List.copyOf(products);
    }

    /**
     * A category of the starting assortment.
     *
     * @param id its identifier, such as {@code kitchen}
     * @param purpose what its products are for, as a phrase that ends a sentence
     * @param name its display name
     * @param icon an emoji shown in place of product photos
     * @param nouns the kinds of product it holds
     * @param basePrice the typical price of its products, in whole currency units
     */
    public record DemoCategory(String id, String purpose, String name, String icon, List<String> nouns, int basePrice) {
    }

    /**
     * A product of the starting assortment.
     *
     * @param id its SKU
     * @param name its display name
     * @param description a sentence or two about it
     * @param categoryId its category's id
     * @param price its price, with two decimals
     * @param initialStock units in the warehouse at first start
     */
    public record DemoProduct(String id, String name, String description, String categoryId, BigDecimal price,
            int initialStock) {
    }
}
