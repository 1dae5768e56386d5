"""course.pictures.generative: an autoencoder's reconstructions and a GAN's points, read back from the artists."""
import numpy as np
import pytest

from course.pictures import generative


def test_reconstructions_show_inputs_above_outputs():
    rng = np.random.default_rng(0)
    originals, outputs = rng.random((3, 64)), rng.random((3, 64))
    fig = generative.reconstructions(originals, outputs, title="digits")
    assert len(fig.axes) == 6 and fig._suptitle.get_text() == "digits"
    for j in range(3):
        np.testing.assert_array_equal(fig.axes[j].images[0].get_array(), originals[j].reshape(8, 8))
        np.testing.assert_array_equal(fig.axes[3 + j].images[0].get_array(), outputs[j].reshape(8, 8))
    assert fig.axes[0].get_ylabel() == "input" and fig.axes[3].get_ylabel() == "output"
    with pytest.raises(ValueError, match="of one shape"):
        generative.reconstructions(originals, outputs[:2])
    with pytest.raises(ValueError, match="each image must have 16 pixels"):
        generative.reconstructions(originals, outputs, image_shape=(4, 4))


def test_generated_points_over_the_discriminators_p_real():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(50, 2)), rng.normal(size=(40, 2)) + 2

    def discriminator(points):                      # P(real) = 1 left of x1 = 1, 0 right of it
        return (points[:, :1] < 1).astype(np.float32)

    fig = generative.generated_points(real, fake, discriminator=discriminator, resolution=20, title="epoch 3")
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.collections[0].get_offsets(), real)
    np.testing.assert_allclose(ax.collections[1].get_offsets(), fake)
    g1 = np.linspace(-2.0, 6.0, 20)
    shade = np.asarray(ax.images[0].get_array())
    np.testing.assert_array_equal(shade, np.tile(g1 < 1, (20, 1)).astype(np.float32))
    assert ax.get_title() == "epoch 3" and len(fig.axes) == 2                  # and the colour bar
    plain = generative.generated_points(real, fake, colorbar=False)
    assert len(plain.axes[0].images) == 0 and len(plain.axes) == 1
    with pytest.raises(ValueError, match=r"generated must have shape \(n, 2\)"):
        generative.generated_points(real, fake[:, :1])
