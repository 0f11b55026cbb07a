/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): its class names in label order and the affinity
 * sets chosen from what the classes mean. The IDX reader offers the sets for a recognised
 * Fashion-MNIST folder and the `fashion-mnist-affinity` preset trains with them.
 */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * Two sets by meaning: the four upper-body garments {T-shirt/top, Pullover, Coat, Shirt} — the
 * classes a 28×28 greyscale classifier confuses most (shirt with T-shirt, pullover with coat),
 * and for which a mix-up still puts the item in the right department — and the three kinds of
 * footwear {Sandal, Sneaker, Ankle boot}. Trouser, Dress and Bag stay on their own: mistaking
 * one of them for anything else is a real error. Dress is left out of the tops because it is a
 * different kind of garment, even though it is sometimes confused with them.
 */
export const FASHION_MNIST_AFFINITY = {
  name: 'tops + footwear',
  sets: [
    [0, 2, 4, 6],
    [5, 7, 9],
  ],
  setNames: ['tops', 'footwear'],
};
