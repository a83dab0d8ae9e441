package dev.kvcap.data;

/**
 * Which two-shape compositions the synthetic generator keeps out of training and puts in the test
 * split, so the test measures composition, not memorisation (see {@code docs/SYNTHETIC.md}).
 *
 * <p>A composition is the triple (first object, axis, second object), the first object being the
 * left one (horizontal) or the upper one (vertical), an object being a colour–shape pair indexed
 * {@code colour * 4 + shape} (colours red, green, blue, yellow, purple, orange = 0..5; shapes
 * circle, square, triangle, diamond = 0..3; axis horizontal = 0, vertical = 1). It is held out if
 *
 * <ol>
 *   <li>{@code (7*first + 3*second + 5*axis) % 11 == 0} (about one triple in eleven), or
 *   <li>a role rule applies: a red triangle on the <i>left</i> of anything; a green diamond
 *       <i>above</i> anything; anything on the left of a blue circle; anything above a yellow
 *       square.
 * </ol>
 *
 * <p>Every object still appears in training: alone, and in its other roles.
 */
final class HeldOutRule {

    private static final int RED_TRIANGLE = 0 * 4 + 2;
    private static final int GREEN_DIAMOND = 1 * 4 + 3;
    private static final int BLUE_CIRCLE = 2 * 4 + 0;
    private static final int YELLOW_SQUARE = 3 * 4 + 1;

    private HeldOutRule() {}

    static boolean heldOut(int first, SyntheticScene.Axis axis, int second) {
        int a = axis == SyntheticScene.Axis.HORIZONTAL ? 0 : 1;
        if ((7 * first + 3 * second + 5 * a) % 11 == 0) {
            return true;
        }
        if (axis == SyntheticScene.Axis.HORIZONTAL) {
            return first == RED_TRIANGLE || second == BLUE_CIRCLE;
        }
        return first == GREEN_DIAMOND || second == YELLOW_SQUARE;
    }

    /** True if any ordered pair of the scene (first before second along its axis) is held out. */
    static boolean containsHeldOut(SyntheticScene scene) {
        var items = scene.items();
        for (int i = 0; i < items.size(); i++) {
            for (int j = i + 1; j < items.size(); j++) {
                if (heldOut(items.get(i).object(), scene.axis(), items.get(j).object())) {
                    return true;
                }
            }
        }
        return false;
    }
}
