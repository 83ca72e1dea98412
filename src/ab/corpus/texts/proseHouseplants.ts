import type {CorpusDocument} from "../corpusDocument";

export const proseHouseplants: CorpusDocument = {
    name: "houseplants.md",
    kind: "prose",
    language: "markdown",
    text: String.raw`# Keeping houseplants alive: light first, water second

Most houseplants that die indoors are not killed by neglect but by kindness, usually in the form
of too much water. Before anything else, though, a plant needs enough light, and light is the
part people misjudge most. A room that looks bright to us can be very dim for a plant. Our eyes
adjust to low light so well that we barely notice the drop a few metres away from a window, but
the amount of light reaching a leaf can fall to a tenth or less.

A useful rule is to look at the sky from where the plant stands. If it can see a wide stretch of
open sky, it gets bright indirect light, which suits most common foliage plants. If it sees only
a wall or the side of another building, the light is low, and only a few tolerant species will
do more than survive. Direct sun through a south or west window is strong enough to scorch thin
leaves in summer, while cacti and many succulents need exactly that to keep their shape.

Watering follows from light. A plant in good light grows, uses water and dries its soil quickly.
The same plant in a dim corner grows slowly and the soil stays wet for weeks, which starves the
roots of air and invites rot. This is why a fixed schedule, once a week for everything, works
badly. It is better to check the soil with a finger: water thoroughly when the top few
centimetres are dry, let the excess drain away, and never leave the pot standing in water.

Pots with drainage holes make all of this easier. A decorative pot without holes can still be
used as an outer sleeve, with the plant in a plain plastic pot inside it that can be lifted out
and watered in the sink. Soil matters too: a mix that drains well, often with bark or perlite,
keeps air around the roots even after a generous watering.

Humidity is the next concern for tropical plants. Heated rooms in winter can be as dry as a
desert, and thin-leaved plants show it with brown, crisp edges. Grouping plants together raises
the humidity around them a little, and so does a tray of wet gravel under the pots. Misting
feels helpful but makes little difference, because the water evaporates within minutes.

Feeding is the least important part. A plant growing actively in spring and summer benefits
from a diluted fertiliser every few weeks, while in winter, when growth slows, most need none
at all. Too much fertiliser leaves salts in the soil that burn the roots, which shows as white
crust on the surface and yellowing leaves; flushing the pot with plenty of plain water helps.

Finally, watch the plant more than the instructions. New leaves that are smaller than the old
ones, long bare stems stretching towards the window and pale colour all point to too little
light. Yellow lower leaves with wet soil point to too much water. Drooping with dry soil is the
one case where the answer really is a drink, and the plant usually recovers within hours.
`
};
